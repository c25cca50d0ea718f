package io.podtally.app.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.podtally.app.wiring.ClusterPodCountSource;
import io.podtally.app.wiring.ClusterPodCountWatches;
import io.podtally.app.wiring.RedisSettingsFactory;
import io.podtally.app.wiring.ReplicaIds;
import io.podtally.cache.PodCountBackend;
import io.podtally.cache.PodCountSettings;
import io.podtally.cache.RefreshLock;
import io.podtally.cache.RefreshingPodCountCache;
import io.podtally.cache.SwitchingBackend;
import io.podtally.cache.WatchAwareRefreshLock;
import io.podtally.cache.WatchCoordinator;
import io.podtally.cache.WatchLeases;
import io.podtally.cache.WatchSettings;
import io.podtally.cache.memory.InMemoryBackend;
import io.podtally.cache.redis.NearCacheSettings;
import io.podtally.cache.redis.RedisBackend;
import io.podtally.cache.redis.RedisConnectionSettings;
import io.podtally.k8s.ClusterRegistry;
import io.podtally.k8s.KubernetesCluster;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The shared pod-count cache: its backend (Redis from {@code spring.data.redis.*}, or memory, by
 * {@code podtally.store}) and metrics, fed by the clusters' paginated pod counters.
 */
@Configuration(proxyBeanMethods = false)
class PodCountConfiguration {

    private static final Logger log = LoggerFactory.getLogger(PodCountConfiguration.class);

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    RedisConnectionSettings redisConnectionSettings(
            DataRedisConnectionDetails details, DataRedisProperties properties, PodCountProperties podCounts) {
        return RedisSettingsFactory.create(details, properties, podCounts.lockWatchdogTimeout());
    }

    /**
     * The store, recent clusters, lock and events with their clients. {@code auto} pings Redis (bounded by the
     * Redis timeout) and, when it does not answer, starts on memory with a warning and switches to Redis as soon as
     * it answers, tried again in the background; {@code redis} starts whether or not Redis answers yet. The clients are not beans: they must outlive the cache (closed before this backend,
     * as it depends on it), not stop with the context's lifecycle beans.
     */
    @Bean(destroyMethod = "close")
    PodCountBackend podCountBackend(PodtallyProperties podtally, PodCountProperties podCounts,
            NearCacheProperties nearCache, RedisConnectionSettings redis, Clock clock, MeterRegistry meterRegistry) {
        PodCountSettings settings = podCounts.cacheSettings();
        return switch (podtally.store()) {
            case MEMORY -> {
                log.info("Pod counts are kept in memory (podtally.store=memory): correct for a single replica only");
                yield new InMemoryBackend(settings, clock);
            }
            case REDIS -> RedisBackend.start(redis, settings, nearCache.settings(), clock, meterRegistry);
            case AUTO -> redisWhenAnswering(podtally, redis, settings, nearCache.settings(), clock, meterRegistry);
        };
    }

    private static PodCountBackend redisWhenAnswering(PodtallyProperties podtally, RedisConnectionSettings redis,
            PodCountSettings settings, NearCacheSettings nearCache, Clock clock, MeterRegistry meterRegistry) {
        AtomicReference<String> failure = new AtomicReference<>();
        Optional<RedisBackend> started = RedisBackend.startIfAnswering(redis, settings, nearCache, clock,
                meterRegistry, failure::set);
        if (started.isPresent()) {
            return started.get();
        }
        log.warn("Redis at {} does not answer ({}); pod counts are kept in memory until it does, tried again in the "
                + "background every {} at most. Until then replicas count on their own and can answer different "
                + "numbers", redis, failure.get(), podtally.storeRetryMaxInterval());
        return new SwitchingBackend(new InMemoryBackend(settings, clock), "Redis", failure.get(),
                whyNot -> RedisBackend.startIfAnswering(redis, settings, nearCache, clock, meterRegistry, whyNot),
                podtally.storeRetryInterval(), podtally.storeRetryMaxInterval(), meterRegistry);
    }

    /** The cache runs on the backend's clock (with Redis, the Redis server's time), so that all replicas use one. */
    @Bean(destroyMethod = "close")
    RefreshingPodCountCache podCountCache(ClusterRegistry registry, PodCountBackend backend,
            PodCountProperties podCounts, MeterRegistry meterRegistry) {
        RefreshLock lock = backend.lock();
        if (podCounts.mode() == PodCountProperties.Mode.WATCH && backend.watchLease().isPresent()) {
            lock = new WatchAwareRefreshLock(lock, backend.watchLease().get());
        }
        return new RefreshingPodCountCache(new ClusterPodCountSource(registry), backend.store(),
                backend.recentClusters(), lock, backend.events(), podCounts.cacheSettings(), meterRegistry,
                backend.clock());
    }

    /**
     * Watch mode's leases and watches ({@code podtally.podcounts.mode=watch} on a shared store); started after the
     * context, in the background. Absent in paginated mode. With {@code podtally.store=auto} and Redis not answering
     * at start-up, the switching backend's lease and registry take no lease until it switches to Redis, then the
     * Redis ones: the replica joins watch mode then, without waiting for it at start-up.
     */
    @Bean(destroyMethod = "close")
    WatchLeases watchLeases(ClusterRegistry registry, PodCountBackend backend, PodCountProperties podCounts,
            MeterRegistry meterRegistry) {
        if (podCounts.mode() != PodCountProperties.Mode.WATCH) {
            return WatchLeases.none();
        }
        if (backend.watchLease().isEmpty() || backend.replicaRegistry().isEmpty()) {
            log.info("podtally.podcounts.mode=watch needs a shared store (podtally.store=redis); the {} store counts "
                    + "with the paginated refresh only", backend.kind());
            return WatchLeases.none();
        }
        WatchSettings settings = new WatchSettings(ReplicaIds.current(), podCounts.watchFlush(),
                Duration.ofSeconds(15), Duration.ofSeconds(30), podCounts.watchBalanceAfter());
        List<String> clusters = registry.clusters().stream().map(KubernetesCluster::name).toList();
        WatchCoordinator coordinator = new WatchCoordinator(clusters, backend.watchLease().get(),
                backend.replicaRegistry().get(), new ClusterPodCountWatches(registry, podCounts.backoffInitial(),
                        podCounts.backoffMax()), backend.store(), backend.events(), podCounts.cacheSettings(),
                settings, meterRegistry, backend.clock());
        coordinator.start();
        if (backend instanceof SwitchingBackend switching && !switching.switched()) {
            log.info("Pod counts come from one watch per cluster across the replicas once Redis answers (replica {}); "
                    + "until then this replica counts with the paginated refresh", settings.replica());
        } else {
            log.info("Pod counts come from one watch per cluster across the replicas (replica {})", settings.replica());
        }
        return WatchLeases.of(coordinator);
    }
}
