package io.podtally.app.config;

import io.podtally.app.health.ClustersHealthIndicator;
import io.podtally.cache.PodCountBackend;
import io.podtally.k8s.ClusterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@code clusters} health indicator: the pod-count store and every cluster. */
@Configuration(proxyBeanMethods = false)
class HealthConfiguration {

    @Bean
    ClustersHealthIndicator clustersHealthIndicator(ClusterRegistry registry, PodCountBackend backend) {
        return new ClustersHealthIndicator(registry, backend);
    }
}
