package io.podtally.cache.redis;

import io.podtally.cache.ReplicaRegistry;
import io.podtally.cache.StoreUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The {@link ReplicaRegistry} in Redis: the sorted set {@code podtally:replicas}, replica id scored by the expiry of
 * its heartbeat in Redis time, so replicas with skewed clocks agree on who is alive ({@code heartbeat.lua}).
 */
public final class RedisReplicaRegistry implements ReplicaRegistry {

    /** The sorted set of live replicas. */
    public static final String KEY = "podtally:replicas";

    private static final RedisScript<Long> HEARTBEAT = LuaScripts.load("heartbeat.lua", Long.class);

    private final StringRedisTemplate redis;

    public RedisReplicaRegistry(StringRedisTemplate redis) {
        this.redis = Objects.requireNonNull(redis, "redis");
    }

    @Override
    public int heartbeat(String replica, Duration ttl) {
        try {
            Long alive = redis.execute(HEARTBEAT, List.of(KEY), replica, Long.toString(ttl.toMillis()));
            return alive == null ? 1 : alive.intValue();
        } catch (DataAccessException e) {
            throw new StoreUnavailableException("Redis heartbeat in " + KEY + " failed: "
                    + e.getMostSpecificCause().getMessage(), e);
        }
    }
}
