package io.podtally.app.config;

import io.podtally.app.wiring.BackgroundStart;
import io.podtally.cache.RefreshingPodCountCache;
import io.podtally.k8s.ClusterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** What runs in the background once the application is ready: the clusters' informers and the pod-count warm-up. */
@Configuration(proxyBeanMethods = false)
class StartConfiguration {

    @Bean
    BackgroundStart backgroundStart(ClusterRegistry registry, RefreshingPodCountCache cache,
            PodCountProperties podCounts) {
        return new BackgroundStart(registry, cache, podCounts.warmUp());
    }
}
