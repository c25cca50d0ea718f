package io.podtally.app.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.podtally.app.wiring.ClusterPodCountSource;
import io.podtally.app.wiring.RedisSettingsFactory;
import io.podtally.cache.PodCountBackend;
import io.podtally.cache.PodCountSettings;
import io.podtally.cache.RefreshingPodCountCache;
import io.podtally.cache.memory.InMemoryBackend;
import io.podtally.cache.redis.RedisBackend;
import io.podtally.cache.redis.RedisConnectionSettings;
import io.podtally.k8s.ClusterRegistry;
import java.time.Clock;
import java.util.Optional;
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
     * The store, recent clusters, lock and events with their clients. {@code auto} pings Redis once (bounded by the
     * Redis timeout) and falls back to memory with a warning when it does not answer; {@code redis} starts whether
     * or not Redis answers yet. The clients are not beans: they must outlive the cache (closed before this backend,
     * as it depends on it), not stop with the context's lifecycle beans.
     */
    @Bean(destroyMethod = "close")
    PodCountBackend podCountBackend(PodtallyProperties podtally, PodCountProperties podCounts,
            RedisConnectionSettings redis, Clock clock, MeterRegistry meterRegistry) {
        PodCountSettings settings = podCounts.cacheSettings();
        return switch (podtally.store()) {
            case MEMORY -> {
                log.info("Pod counts are kept in memory (podtally.store=memory): correct for a single replica only");
                yield new InMemoryBackend(settings, clock);
            }
            case REDIS -> RedisBackend.start(redis, settings, clock, meterRegistry);
            case AUTO -> redisIfAnswering(redis, settings, clock, meterRegistry);
        };
    }

    private static PodCountBackend redisIfAnswering(RedisConnectionSettings redis, PodCountSettings settings,
            Clock clock, MeterRegistry meterRegistry) {
        Optional<RedisBackend> started = RedisBackend.startIfAnswering(redis, settings, clock, meterRegistry,
                failure -> log.warn("Redis at {} does not answer ({}); pod counts are kept in memory. This is correct "
                        + "for a single replica only: replicas would count on their own and answer different numbers",
                        redis, failure));
        return started.isPresent() ? started.get() : new InMemoryBackend(settings, clock);
    }

    /** The cache runs on the backend's clock (with Redis, the Redis server's time), so that all replicas use one. */
    @Bean(destroyMethod = "close")
    RefreshingPodCountCache podCountCache(ClusterRegistry registry, PodCountBackend backend,
            PodCountProperties podCounts, MeterRegistry meterRegistry) {
        return new RefreshingPodCountCache(new ClusterPodCountSource(registry), backend.store(),
                backend.recentClusters(), backend.lock(), backend.events(), podCounts.cacheSettings(), meterRegistry,
                backend.clock());
    }
}
