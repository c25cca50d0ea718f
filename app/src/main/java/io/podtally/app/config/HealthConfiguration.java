package io.podtally.app.config;

import io.podtally.app.health.ClustersHealthIndicator;
import io.podtally.app.health.PodCountStoreStatus;
import io.podtally.k8s.ClusterRegistry;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@code clusters} health indicator: the pod-count store and every cluster. */
@Configuration(proxyBeanMethods = false)
class HealthConfiguration {

    @Bean
    ClustersHealthIndicator clustersHealthIndicator(ClusterRegistry registry, PodCountBackend backend) {
        return new ClustersHealthIndicator(registry, new BackendStatus(backend));
    }

    private record BackendStatus(PodCountBackend backend) implements PodCountStoreStatus {

        @Override
        public String kind() {
            return backend.kind();
        }

        @Override
        public String problem() {
            return backend.problem();
        }

        @Override
        public Boolean eventsSubscribed() {
            return backend.eventsSubscribed();
        }

        @Override
        public Duration clockSkew() {
            return backend.clockSkew();
        }

        @Override
        public boolean clockSkewed() {
            return backend.clockSkewed();
        }
    }
}
