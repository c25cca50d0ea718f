package io.podtally.cache.redis;

import io.podtally.cache.RecentClusters;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.ZSetOperations;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * {@link RecentClusters} in Redis: one sorted set, {@code podtally:recent-clusters} (member: cluster,
 * score: epoch ms), written by one Lua script on that key: {@code ZADD GT}, members older than the
 * retention removed, the retention as the key's expiry. {@code ZADD GT} needs Redis 6.2 or later.
 */
public final class RedisRecentClusters implements RecentClusters {

    /** The sorted set of the times clusters were last asked for. */
    public static final String KEY = "podtally:recent-clusters";

    private static final RedisScript<Long> RECORD_ASKED = LuaScripts.load("record-asked.lua", Long.class);

    private final StringRedisTemplate redis;
    private final long retention;
    private final Clock clock;

    /**
     * @param redis a template on the Lettuce connection factory (its command timeout bounds every
     *     call)
     * @param retention clusters last asked for longer ago than this are forgotten
     * @param clock measures the retention
     */
    public RedisRecentClusters(StringRedisTemplate redis, Duration retention, Clock clock) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.retention = retention.toMillis();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void recordAsked(Map<String, Instant> askedAt) {
        if (askedAt.isEmpty()) {
            return;
        }
        List<String> args = new ArrayList<>(2 + 2 * askedAt.size());
        args.add(Long.toString(clock.millis() - retention));
        args.add(Long.toString(retention));
        askedAt.forEach((cluster, at) -> {
            args.add(Long.toString(at.toEpochMilli()));
            args.add(cluster);
        });
        try {
            redis.execute(RECORD_ASKED, List.of(KEY), args.toArray());
        } catch (DataAccessException e) {
            throw unavailable("write", e);
        }
    }

    @Override
    public Map<String, Instant> lastAsked() {
        Set<ZSetOperations.TypedTuple<String>> members;
        try {
            members = redis.opsForZSet().rangeByScoreWithScores(KEY, clock.millis() - retention,
                    Double.POSITIVE_INFINITY);
        } catch (DataAccessException e) {
            throw unavailable("read", e);
        }
        Map<String, Instant> recent = new HashMap<>();
        if (members != null) {
            for (ZSetOperations.TypedTuple<String> member : members) {
                if (member.getValue() != null && member.getScore() != null) {
                    recent.put(member.getValue(), Instant.ofEpochMilli(member.getScore().longValue()));
                }
            }
        }
        return recent;
    }

    private static RuntimeException unavailable(String operation, DataAccessException e) {
        return RedisErrors.translate("Redis " + operation + " of " + KEY, e);
    }
}
