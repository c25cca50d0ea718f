package io.podtally.app.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.podtally.cache.InMemoryPodCountEvents;
import io.podtally.cache.InMemoryPodCountStore;
import io.podtally.cache.LocalRefreshLock;
import io.podtally.cache.PodCountEvents;
import io.podtally.cache.PodCountSettings;
import io.podtally.cache.PodCountStore;
import io.podtally.cache.RefreshLock;
import io.podtally.cache.redis.RedisConnectionSettings;
import io.podtally.cache.redis.RedisPodCountEvents;
import io.podtally.cache.redis.RedisClockCheck;
import io.podtally.cache.redis.RedisPodCountStore;
import io.podtally.cache.redis.RedissonRefreshLock;
import java.time.Clock;
import java.time.Duration;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/** The store, lock and events the pod-count cache runs on: Redis (shared by replicas) or memory (one replica). */
final class PodCountBackend implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PodCountBackend.class);
    private static final Duration SUBSCRIBE_RETRY = Duration.ofSeconds(5);
    /** How often the replica's clock is compared with Redis's, and the skew it tolerates without a warning. */
    private static final Duration CLOCK_CHECK_INTERVAL = Duration.ofMinutes(1);
    private static final Duration CLOCK_TOLERANCE = Duration.ofSeconds(2);

    private final String kind;
    private final PodCountStore store;
    private final RefreshLock lock;
    private final PodCountEvents events;
    private final LettuceConnectionFactory redis;
    private final RedissonClient redisson;
    private final EventSubscription subscription;
    private final RedisClockCheck clockCheck;

    private PodCountBackend(String kind, PodCountStore store, RefreshLock lock, PodCountEvents events,
            LettuceConnectionFactory redis, RedissonClient redisson, EventSubscription subscription,
            RedisClockCheck clockCheck) {
        this.kind = kind;
        this.store = store;
        this.lock = lock;
        this.events = events;
        this.redis = redis;
        this.redisson = redisson;
        this.subscription = subscription;
        this.clockCheck = clockCheck;
    }

    /**
     * The backend for {@code mode}: {@code auto} pings Redis once (bounded by the Redis timeout) and falls back to
     * memory with a warning when it does not answer. The Redis clients connect lazily and reconnect by themselves,
     * so {@code redis} starts whether or not Redis answers yet.
     */
    static PodCountBackend create(StoreMode mode, RedisConnectionSettings settings, PodCountSettings cacheSettings,
            Clock clock, MeterRegistry meters) {
        if (mode == StoreMode.MEMORY) {
            log.info("Pod counts are kept in memory (podtally.store=memory): correct for a single replica only");
            return memory(cacheSettings, clock);
        }
        LettuceConnectionFactory factory = settings.lettuce();
        factory.afterPropertiesSet();
        factory.start();
        if (mode == StoreMode.AUTO) {
            String failure = ping(factory);
            if (failure != null) {
                factory.destroy();
                log.warn("Redis at {} does not answer ({}); pod counts are kept in memory. This is correct for a "
                        + "single replica only: replicas would count on their own and answer different numbers",
                        settings, failure);
                return memory(cacheSettings, clock);
            }
        }
        try {
            return redis(factory, settings, cacheSettings, clock, meters);
        } catch (RuntimeException e) {
            factory.destroy();
            throw e;
        }
    }

    private static PodCountBackend memory(PodCountSettings cacheSettings, Clock clock) {
        return new PodCountBackend("memory", new InMemoryPodCountStore(cacheSettings, clock), new LocalRefreshLock(),
                new InMemoryPodCountEvents(), null, null, null, null);
    }

    private static PodCountBackend redis(LettuceConnectionFactory factory, RedisConnectionSettings settings,
            PodCountSettings cacheSettings, Clock clock, MeterRegistry meters) {
        StringRedisTemplate template = new StringRedisTemplate(factory);
        RedisMessageListenerContainer container = new RedisMessageListenerContainer();
        container.setConnectionFactory(factory);
        container.afterPropertiesSet();
        RedisPodCountEvents events = new RedisPodCountEvents(template, container);
        EventSubscription subscription = new EventSubscription(container, SUBSCRIBE_RETRY);
        subscription.start();
        RedissonClient redisson = Redisson.create(settings.redissonConfig().setLazyInitialization(true));
        log.info("Pod counts are kept in Redis at {}", settings);
        return new PodCountBackend("redis", new RedisPodCountStore(template, cacheSettings, clock),
                new RedissonRefreshLock(redisson), events, factory, redisson, subscription,
                new RedisClockCheck(factory, clock, CLOCK_CHECK_INTERVAL, CLOCK_TOLERANCE, meters));
    }

    /** Sends a PING; returns {@code null} when Redis answered, else why not. */
    static String ping(RedisConnectionFactory factory) {
        try (RedisConnection connection = factory.getConnection()) {
            String answer = connection.ping();
            return "PONG".equalsIgnoreCase(answer) ? null : "unexpected answer " + answer;
        } catch (DataAccessException e) {
            return e.getMostSpecificCause().getMessage();
        }
    }

    /** {@code redis} or {@code memory}. */
    String kind() {
        return kind;
    }

    /** Whether the store is reachable now: {@code null} when it is, else why not. Memory always is. */
    String problem() {
        return redis == null ? null : ping(redis);
    }

    /** Whether this replica receives the events of the others: {@code null} for memory. */
    Boolean eventsSubscribed() {
        return subscription == null ? null : subscription.listening();
    }

    /** This replica's clock minus the Redis server's, as last measured: {@code null} for memory or before a check. */
    Duration clockSkew() {
        return clockCheck == null ? null : clockCheck.skew();
    }

    /** Whether {@link #clockSkew()} is beyond what freshness tolerates without a warning. */
    boolean clockSkewed() {
        return clockCheck != null && clockCheck.beyondTolerance();
    }

    PodCountStore store() {
        return store;
    }

    RefreshLock lock() {
        return lock;
    }

    PodCountEvents events() {
        return events;
    }

    /** Closes the events and the Redis clients; called after the cache that uses them has closed. */
    @Override
    public void close() {
        try {
            if (clockCheck != null) {
                clockCheck.close();
            }
            events.close();
            if (subscription != null) {
                subscription.close();
            }
        } finally {
            if (redisson != null && !redisson.isShutdown()) {
                redisson.shutdown();
            }
            if (redis != null) {
                redis.destroy();
            }
        }
    }
}
