package io.podtally.app.config;

import io.podtally.app.health.AdminHealthDetailsFilter;
import io.podtally.app.health.ClustersHealthIndicator;
import io.podtally.cache.PodCountBackend;
import io.podtally.k8s.ClusterRegistry;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code clusters} health indicator: the pod-count store and every cluster; its details (the full errors) only
 * for the admin token.
 */
@Configuration(proxyBeanMethods = false)
class HealthConfiguration {

    @Bean
    ClustersHealthIndicator clustersHealthIndicator(ClusterRegistry registry, PodCountBackend backend) {
        return new ClustersHealthIndicator(registry, backend);
    }

    @Bean
    FilterRegistrationBean<AdminHealthDetailsFilter> adminHealthDetailsFilter(AdminProperties admin) {
        FilterRegistrationBean<AdminHealthDetailsFilter> registration =
                new FilterRegistrationBean<>(new AdminHealthDetailsFilter(admin.enabled() ? admin.token() : null));
        registration.addUrlPatterns("/actuator/*");
        return registration;
    }
}
