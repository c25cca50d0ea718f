package io.podtally.cache.redis;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.podtally.cache.PodCountEvent;
import io.podtally.cache.PodCountSettings;
import io.podtally.cache.PodCountSource;
import io.podtally.cache.RefreshingPodCountCache;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.redisson.api.RedissonClient;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * One replica's pod-count cache on a test Redis, with connections of its own (a Lettuce factory and
 * a Redisson client), as a separate process would have. Records the events it receives.
 */
public final class RedisReplica implements AutoCloseable {

    private final LettuceConnectionFactory lettuce;
    private final RedissonClient redisson;
    private final RefreshingPodCountCache cache;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<PodCountEvent> events = new CopyOnWriteArrayList<>();

    public RedisReplica(int port, PodCountSource source, PodCountSettings settings) {
        this.lettuce = RedisTestSupport.lettuce(port);
        this.redisson = RedisTestSupport.redisson(port);
        StringRedisTemplate template = new StringRedisTemplate(lettuce);
        this.cache = new RefreshingPodCountCache(
                source,
                new RedisPodCountStore(template, settings),
                new RedisRecentClusters(template, settings.retention(), Clock.systemUTC()),
                new RedissonRefreshLock(redisson),
                new RedisPodCountEvents(template),
                settings,
                registry,
                Clock.systemUTC());
        cache.addListener(events::add);
    }

    public RefreshingPodCountCache cache() {
        return cache;
    }

    public RedissonClient redisson() {
        return redisson;
    }

    public SimpleMeterRegistry registry() {
        return registry;
    }

    /** The events this replica received, in order. */
    public List<PodCountEvent> events() {
        return events;
    }

    @Override
    public void close() {
        cache.close();
        if (!redisson.isShutdown()) {
            redisson.shutdown();
        }
        lettuce.destroy();
    }
}
