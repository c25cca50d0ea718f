package io.podtally.bench.replica;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

import io.podtally.cache.PodCountCache;
import io.podtally.k8s.ClusterRegistry;

/** Turns a podtally replica into the seed's original design: pods counted inside the request. */
@Configuration(proxyBeanMethods = false)
public class SeedOriginalConfiguration {

    @Bean
    @Primary
    PodCountCache seedOriginalPodCountCache(ClusterRegistry clusters) {
        return new SynchronousPodCountCache(clusters);
    }
}
