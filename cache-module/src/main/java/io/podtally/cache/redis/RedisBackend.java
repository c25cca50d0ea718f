package io.podtally.cache.redis;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.podtally.cache.PodCountBackend;
import io.podtally.cache.PodCountEvent;
import io.podtally.cache.PodCountEvents;
import io.podtally.cache.PodCountSettings;
import io.podtally.cache.PodCountStore;
import io.podtally.cache.RecentClusters;
import io.podtally.cache.RefreshLock;
import io.podtally.cache.ReplicaRegistry;
import io.podtally.cache.WatchLease;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
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

/**
 * The {@link PodCountBackend} on Redis, with its clients: a Lettuce connection factory (store, recent
 * clusters, events, clock check) and a Redisson client (lock), both configured from one
 * {@link RedisConnectionSettings}. The clients connect lazily and reconnect by themselves, so a
 * backend starts whether or not Redis answers yet; the event subscription is retried in the
 * background until it does.
 *
 * <p>With the near cache on ({@link NearCacheSettings}), the store is a {@link NearCachedPodCountStore} over the
 * Redis store, kept exact by a {@link TrackingConnection}: its own RESP3 connection per data node, opened and
 * probed in the background.
 */
public final class RedisBackend implements PodCountBackend {

    private static final Logger log = LoggerFactory.getLogger(RedisBackend.class);
    private static final Duration SUBSCRIBE_RETRY = Duration.ofSeconds(5);
    /** How often the replica's clock is compared with Redis's, and the skew it tolerates without a warning. */
    private static final Duration CLOCK_CHECK_INTERVAL = Duration.ofMinutes(1);
    private static final Duration CLOCK_TOLERANCE = Duration.ofSeconds(2);
    /** The hash slots of a Redis Cluster: tracking is on only while the tracked masters serve them all. */
    private static final int SLOTS = 16384;

    private final LettuceConnectionFactory lettuce;
    private final RedissonClient redisson;
    private final RedisPodCountStore store;
    private final RedisRecentClusters recentClusters;
    private final RedissonRefreshLock lock;
    private final RedisPodCountEvents events;
    private final EventSubscription subscription;
    private final RedisClockCheck clockCheck;
    private final RedissonWatchLease watchLease;
    private final RedisReplicaRegistry replicaRegistry;
    private final Clock serverClock;
    private final PermissionDenials denials = new PermissionDenials();
    private final PodCountStore watchedStore;
    private final RefreshLock watchedLock;
    private final RecentClusters watchedRecentClusters;
    private final NearCachedPodCountStore nearStore;
    private final TrackingConnection tracking;

    private RedisBackend(LettuceConnectionFactory lettuce, RedisConnectionSettings settings,
            PodCountSettings cacheSettings, NearCacheSettings nearCache, Clock clock, MeterRegistry meters) {
        this.lettuce = lettuce;
        StringRedisTemplate template = new StringRedisTemplate(lettuce);
        RedisMessageListenerContainer container = new RedisMessageListenerContainer();
        container.setConnectionFactory(lettuce);
        container.afterPropertiesSet();
        this.events = new RedisPodCountEvents(template, container);
        this.subscription = new EventSubscription(container, SUBSCRIBE_RETRY);
        subscription.start();
        this.redisson = Redisson.create(settings.redissonConfig().setLazyInitialization(true));
        this.store = new RedisPodCountStore(template, cacheSettings);
        this.lock = new RedissonRefreshLock(redisson);
        this.watchLease = new RedissonWatchLease(redisson, template, store);
        this.replicaRegistry = new RedisReplicaRegistry(template);
        this.clockCheck = new RedisClockCheck(lettuce, clock, CLOCK_CHECK_INTERVAL, CLOCK_TOLERANCE, meters);
        this.serverClock = new RedisServerClock(clock, clockCheck);
        this.recentClusters = new RedisRecentClusters(template, cacheSettings.retention(), serverClock);
        if (nearCache.enabled()) {
            TrackingConnection[] tracked = new TrackingConnection[1];
            this.nearStore = new NearCachedPodCountStore(store, () -> tracked[0] != null && tracked[0].active(),
                    nearCache.maxClusters(), meters);
            this.tracking = new TrackingConnection(trackedNodes(lettuce, settings), settings.nodeClientOptions(),
                    nearCache.probeInterval(), this::changedInRedis, nearStore::invalidateAll);
            tracked[0] = tracking;
            store.onChange(nearStore::drop);
            Gauge.builder("podtally.near_cache.tracking", tracking, t -> t.active() ? 1 : 0)
                    .description("1 while Redis tracks the pod-count hashes for this replica's near cache")
                    .register(meters);
            tracking.start();
        } else {
            this.nearStore = null;
            this.tracking = null;
        }
        this.watchedStore = denials.watch(nearStore == null ? store : nearStore);
        this.watchedLock = denials.watch(lock);
        this.watchedRecentClusters = denials.watch(recentClusters);
    }

    /**
     * A change of a cluster's hash that Redis reported to the near cache: the copy is dropped, and this replica's
     * listeners (the event streams) hear of it at once, also when nobody published an event (a {@code redis-cli DEL}).
     */
    private void changedInRedis(String cluster) {
        nearStore.invalidate(cluster);
        events.deliverLocally(new PodCountEvent(cluster, 0, PodCountEvent.Reason.CHANGED));
    }

    /** The data nodes to track: the server or Sentinel master, or every Cluster master as Lettuce last saw them. */
    private static Supplier<List<RedisURI>> trackedNodes(LettuceConnectionFactory lettuce,
            RedisConnectionSettings settings) {
        if (!settings.cluster()) {
            RedisURI node = settings.dataNodeUri();
            return () -> List.of(node);
        }
        return () -> {
            RedisClusterClient client = (RedisClusterClient) lettuce.getRequiredNativeClient();
            List<RedisURI> masters = new ArrayList<>();
            BitSet served = new BitSet(SLOTS);
            for (RedisClusterNode node : client.getPartitions()) {
                if (node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.is(RedisClusterNode.NodeFlag.FAIL)
                        && !node.is(RedisClusterNode.NodeFlag.EVENTUAL_FAIL) && !node.getSlots().isEmpty()) {
                    masters.add(settings.nodeUri(node.getUri().getHost(), node.getUri().getPort()));
                    node.getSlots().forEach(served::set);
                }
            }
            if (served.cardinality() < SLOTS) {
                // a failover under way: a master that is not tracked could serve the rest as soon as it is promoted
                throw new IllegalStateException((SLOTS - served.cardinality())
                        + " hash slots have no live master in the topology yet");
            }
            return masters;
        };
    }

    /**
     * Starts the clients, whether or not Redis answers yet; one {@code PING} (bounded by the Redis timeout) tells the
     * log at warn when it does not, and why.
     *
     * @param settings where Redis is
     * @param cacheSettings give the retention
     * @param clock this replica's clock; {@link #clock()} corrects it to the Redis server's
     * @param meters where the clock-skew gauge goes
     */
    public static RedisBackend start(RedisConnectionSettings settings, PodCountSettings cacheSettings, Clock clock,
            MeterRegistry meters) {
        return start(settings, cacheSettings, NearCacheSettings.defaults(), clock, meters);
    }

    /**
     * Starts the clients as {@link #start(RedisConnectionSettings, PodCountSettings, Clock, MeterRegistry)} does,
     * with the near cache as {@code nearCache} says.
     */
    public static RedisBackend start(RedisConnectionSettings settings, PodCountSettings cacheSettings,
            NearCacheSettings nearCache, Clock clock, MeterRegistry meters) {
        RedisBackend backend = start(startedFactory(settings), settings, cacheSettings, nearCache, clock, meters);
        String problem = ping(backend.lettuce);
        if (problem != null) {
            log.warn("Redis at {} does not answer yet ({}); pod counts answer unavailable until it does", settings,
                    problem);
        }
        return backend;
    }

    /**
     * Starts the clients if Redis answers a {@code PING} now (bounded by the Redis timeout).
     *
     * @return the backend, or empty (nothing left running) when Redis did not answer; then {@code whyNot}
     *     has been told why
     */
    public static Optional<RedisBackend> startIfAnswering(RedisConnectionSettings settings,
            PodCountSettings cacheSettings, Clock clock, MeterRegistry meters,
            Consumer<String> whyNot) {
        return startIfAnswering(settings, cacheSettings, NearCacheSettings.defaults(), clock, meters, whyNot);
    }

    /** As {@link #startIfAnswering(RedisConnectionSettings, PodCountSettings, Clock, MeterRegistry, Consumer)}, with
     * the near cache as {@code nearCache} says. */
    public static Optional<RedisBackend> startIfAnswering(RedisConnectionSettings settings,
            PodCountSettings cacheSettings, NearCacheSettings nearCache, Clock clock, MeterRegistry meters,
            Consumer<String> whyNot) {
        LettuceConnectionFactory factory = startedFactory(settings);
        String failure = ping(factory);
        if (failure != null) {
            factory.destroy();
            whyNot.accept(failure);
            return Optional.empty();
        }
        return Optional.of(start(factory, settings, cacheSettings, nearCache, clock, meters));
    }

    private static RedisBackend start(LettuceConnectionFactory factory, RedisConnectionSettings settings,
            PodCountSettings cacheSettings, NearCacheSettings nearCache, Clock clock, MeterRegistry meters) {
        try {
            RedisBackend backend = new RedisBackend(factory, settings, cacheSettings, nearCache, clock, meters);
            log.info("Pod counts are kept in Redis at {}", settings);
            return backend;
        } catch (RuntimeException e) {
            factory.destroy();
            throw e;
        }
    }

    private static LettuceConnectionFactory startedFactory(RedisConnectionSettings settings) {
        LettuceConnectionFactory factory = settings.lettuce();
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }

    /** Sends a PING; returns {@code null} when Redis answered, else why not. */
    static String ping(RedisConnectionFactory factory) {
        try (RedisConnection connection = factory.getConnection()) {
            String answer = connection.ping();
            return "PONG".equalsIgnoreCase(answer) ? null : "unexpected answer " + answer;
        } catch (DataAccessException e) {
            return tlsFailure(e).orElse(e.getMostSpecificCause().getMessage());
        }
    }

    private static Optional<String> tlsFailure(Throwable e) {
        for (Throwable cause = e; cause != null && cause.getCause() != cause; cause = cause.getCause()) {
            if (cause instanceof SSLException) {
                Throwable root = cause;
                while (root.getCause() != null && root.getCause() != root) {
                    root = root.getCause();
                }
                return Optional.of("TLS handshake with Redis failed: " + root.getMessage() + " (the server's "
                        + "certificate is not trusted by the configured trust material, or does not name the host)");
            }
        }
        return Optional.empty();
    }

    @Override
    public String kind() {
        return "redis";
    }

    @Override
    public PodCountStore store() {
        return watchedStore;
    }

    @Override
    public RecentClusters recentClusters() {
        return watchedRecentClusters;
    }

    @Override
    public RefreshLock lock() {
        return watchedLock;
    }

    @Override
    public PodCountEvents events() {
        return events;
    }

    /**
     * Sends a {@code PING} now; when it answers, tells whether Redis refused the last write or lock on permissions
     * ({@code NOPERM …}).
     */
    @Override
    public String problem() {
        String unreachable = ping(lettuce);
        if (unreachable != null) {
            return unreachable;
        }
        String denied = denials.denied();
        return denied == null ? null : denied + " (writes refused; the ACL user lacks a permission podtally needs)";
    }

    /** {@inheritDoc} With the reason tracking is off when it is. */
    @Override
    public String nearCache() {
        if (tracking == null) {
            return "off";
        }
        String problem = tracking.problem();
        return problem == null ? "tracking" : "not tracking (" + problem + ")";
    }

    /** The near cache, when enabled. */
    Optional<NearCachedPodCountStore> nearCachedStore() {
        return Optional.ofNullable(nearStore);
    }

    @Override
    public Boolean eventsSubscribed() {
        return subscription.listening();
    }

    /**
     * The Redis server's time: the given clock less the skew measured against Redis {@code TIME} at start and
     * every minute (the given clock until a first measurement).
     */
    @Override
    public Clock clock() {
        return serverClock;
    }

    @Override
    public Duration clockSkew() {
        return clockCheck.skew();
    }

    @Override
    public boolean clockSkewed() {
        return clockCheck.beyondTolerance();
    }

    @Override
    public Optional<WatchLease> watchLease() {
        return Optional.of(watchLease);
    }

    @Override
    public Optional<ReplicaRegistry> replicaRegistry() {
        return Optional.of(replicaRegistry);
    }

    /** Stops the clock check and the events, then the Redis clients. */
    @Override
    public void close() {
        try {
            if (tracking != null) {
                tracking.close();
            }
            clockCheck.close();
            events.close();
            subscription.close();
        } finally {
            if (!redisson.isShutdown()) {
                redisson.shutdown();
            }
            lettuce.destroy();
        }
    }
}
