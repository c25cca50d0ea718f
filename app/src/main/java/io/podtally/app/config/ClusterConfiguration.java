package io.podtally.app.config;

import io.podtally.app.demo.DemoClusters;
import io.podtally.k8s.ClusterRegistry;
import io.podtally.k8s.ClusterSettings;
import io.podtally.k8s.KubernetesCluster;
import io.podtally.k8s.fabric8.Fabric8ClusterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The clusters podtally serves: every context of the configured kubeconfig files (plus {@code in-cluster}), and the
 * simulated demo clusters when none is configured or the demo is switched on. Their informers start once the
 * application is ready ({@link BackgroundStart}), so that listing thousands of nodes does not slow start-up down.
 */
@Configuration(proxyBeanMethods = false)
class ClusterConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ClusterConfiguration.class);

    @Bean(destroyMethod = "close")
    ClusterRegistry clusterRegistry(ClusterProperties clusters, PodCountProperties podCounts, DemoProperties demo) {
        List<Path> kubeconfigs = clusters.kubeconfigConfigured()
                ? clusters.kubeconfig()
                : Fabric8ClusterRegistry.defaultKubeconfigs();
        ClusterSettings settings = clusters.settings(kubeconfigs, podCounts.counterSettings());
        Fabric8ClusterRegistry configured = Fabric8ClusterRegistry.create(settings);
        boolean runDemo = demo.enabled() == DemoProperties.Enabled.ON
                || (demo.enabled() == DemoProperties.Enabled.AUTO && configured.clusters().isEmpty());
        List<ClusterRegistry> parts = new ArrayList<>(List.of(configured));
        List<AutoCloseable> resources = new ArrayList<>();
        if (runDemo && !demo.presets().isEmpty()) {
            log.info("Demo mode: serving simulated clusters {}", demo.presets().stream()
                    .map(DemoProperties.Preset::clusterName).toList());
            DemoClusters sims = DemoClusters.start(demo.presets());
            resources.add(sims);
            try {
                parts.add(Fabric8ClusterRegistry.of(sims.configs(), settings));
            } catch (RuntimeException e) {
                sims.close();
                configured.close();
                throw e;
            }
        }
        ClusterRegistry registry = new CompositeClusterRegistry(parts, resources);
        log.info("Serving clusters {}", registry.clusters().stream().map(KubernetesCluster::name).toList());
        return registry;
    }
}
