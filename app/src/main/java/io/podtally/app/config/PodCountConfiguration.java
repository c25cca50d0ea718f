package io.podtally.app.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.podtally.cache.PodCountSettings;
import io.podtally.cache.RefreshingPodCountCache;
import io.podtally.cache.redis.RedisConnectionSettings;
import io.podtally.k8s.ClusterRegistry;
import java.time.Clock;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The shared pod-count cache: its store (Redis from {@code spring.data.redis.*}, or memory), lock, events and
 * metrics, fed by the clusters' paginated pod counters.
 */
@Configuration(proxyBeanMethods = false)
class PodCountConfiguration {

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
     * The store, lock and events with their Redis clients. The clients are not beans: they must outlive the cache
     * (closed before this backend, as it depends on it), not stop with the context's lifecycle beans.
     */
    @Bean(destroyMethod = "close")
    PodCountBackend podCountBackend(PodtallyProperties podtally, PodCountProperties podCounts,
            RedisConnectionSettings redisSettings, Clock clock, MeterRegistry meterRegistry) {
        return PodCountBackend.create(podtally.store(), redisSettings, podCounts.cacheSettings(), clock, meterRegistry);
    }

    @Bean(destroyMethod = "close")
    RefreshingPodCountCache podCountCache(ClusterRegistry registry, PodCountBackend backend,
            PodCountProperties podCounts, MeterRegistry meterRegistry, Clock clock) {
        PodCountSettings settings = podCounts.cacheSettings();
        return new RefreshingPodCountCache(new ClusterPodCountSource(registry), backend.store(), backend.lock(),
                backend.events(), settings, meterRegistry, clock);
    }
}
