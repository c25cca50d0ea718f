package io.podtally.cache.redis;

import io.podtally.cache.ReplicaRegistry;
import io.podtally.cache.StoreUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The {@link ReplicaRegistry} in Redis: the sorted set {@code podtally:replicas}, member the replica id and the time it
 * came up ({@code "<id> <epoch ms>"}), scored by the expiry of its heartbeat, both in Redis time, so replicas with
 * skewed clocks agree on who is alive and who has settled ({@code heartbeat.lua}). One key, so Redis Cluster-safe.
 */
public final class RedisReplicaRegistry implements ReplicaRegistry {

    private static final Logger log = LoggerFactory.getLogger(RedisReplicaRegistry.class);

    /** The sorted set of live replicas. */
    public static final String KEY = "podtally:replicas";

    private static final RedisScript<List> HEARTBEAT = LuaScripts.load("heartbeat.lua", List.class);

    private final StringRedisTemplate redis;
    private final Map<String, String> upSince = new ConcurrentHashMap<>();

    public RedisReplicaRegistry(StringRedisTemplate redis) {
        this.redis = Objects.requireNonNull(redis, "redis");
    }

    @Override
    public Replicas heartbeat(String replica, Duration ttl, Duration settled) {
        List<?> reply;
        try {
            reply = redis.execute(HEARTBEAT, List.of(KEY), replica, Long.toString(ttl.toMillis()),
                    upSince.getOrDefault(replica, ""), Long.toString(settled.toMillis()));
        } catch (DataAccessException e) {
            throw new StoreUnavailableException("Redis heartbeat in " + KEY + " failed: "
                    + e.getMostSpecificCause().getMessage(), e);
        }
        upSince.put(replica, Long.toString(((Number) reply.get(2)).longValue()));
        return new Replicas(((Number) reply.get(0)).intValue(), ((Number) reply.get(1)).intValue(),
                ((Number) reply.get(3)).longValue() == 1);
    }

    @Override
    public void leave(String replica) {
        String since = upSince.remove(replica);
        if (since == null) {
            return;
        }
        try {
            redis.opsForZSet().remove(KEY, replica + " " + since);
        } catch (DataAccessException e) {
            log.warn("Removing replica {} from {} failed; its heartbeat expires on its own: {}", replica, KEY,
                    e.getMostSpecificCause().getMessage());
        }
    }
}
