package io.podtally.app.config;

import io.podtally.app.demo.DemoClusters;
import io.podtally.app.wiring.BackgroundStart;
import io.podtally.app.wiring.ClusterSource;
import io.podtally.app.wiring.ClusterStateMetrics;
import io.podtally.app.wiring.CompositeClusterRegistry;
import io.podtally.k8s.ClusterRegistry;
import io.podtally.k8s.ClusterSettings;
import io.podtally.k8s.KubernetesCluster;
import io.podtally.k8s.fabric8.Fabric8ClusterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * The clusters podtally serves: every context of the configured kubeconfig files (plus {@code in-cluster}), and the
 * simulated demo clusters when none is configured or the demo is switched on. Their informers start once the
 * application is ready ({@link BackgroundStart}), so that listing thousands of nodes does not slow start-up down.
 */
@Configuration(proxyBeanMethods = false)
class ClusterConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ClusterConfiguration.class);

    @Bean
    ClusterSettings clusterSettings(ClusterProperties clusters, PodCountProperties podCounts) {
        List<Path> kubeconfigs = clusters.kubeconfigConfigured()
                ? clusters.kubeconfig()
                : Fabric8ClusterRegistry.defaultKubeconfigs();
        return clusters.settings(kubeconfigs, podCounts.counterSettings());
    }

    /** The clusters of the kubeconfig files and {@code in-cluster}; possibly none. */
    @Bean(destroyMethod = "close")
    Fabric8ClusterRegistry configuredClusters(ClusterSettings settings) {
        return Fabric8ClusterRegistry.create(settings);
    }

    /** The simulated clusters of the demo mode; none when the demo is off. Closed after the registry. */
    @Bean(destroyMethod = "close")
    DemoClusters demoClusters(Fabric8ClusterRegistry configuredClusters, DemoProperties demo, ClusterProperties clusters,
            ClusterSettings settings) {
        boolean on = demo.enabled() == DemoProperties.Enabled.ON
                || (demo.enabled() == DemoProperties.Enabled.AUTO && configuredClusters.clusters().isEmpty()
                        && configuredClusters.rejected().isEmpty());
        List<String> demoClusters = on
                ? demo.presets().stream().map(DemoProperties.Preset::clusterName).toList()
                : List.of();
        log.info(ClusterSource.describe(clusters.kubeconfigConfigured(), System.getenv("KUBECONFIG"),
                settings.kubeconfigs(), settings.inCluster(),
                configuredClusters.clusters().stream().map(KubernetesCluster::name).toList(),
                demo.enabled().name().toLowerCase(Locale.ROOT), demoClusters));
        if (!on || demo.presets().isEmpty()) {
            return DemoClusters.none();
        }
        log.info("Demo mode: serving simulated clusters {}",
                demo.presets().stream().map(DemoProperties.Preset::clusterName).toList());
        return DemoClusters.start(demo.presets());
    }

    /** The informer and metrics-source state of every cluster served, as gauges. */
    @Bean
    ClusterStateMetrics clusterStateMetrics(ClusterRegistry clusterRegistry) {
        return new ClusterStateMetrics(clusterRegistry);
    }

    /** Every cluster served: the configured ones and the demo ones. */
    @Bean(destroyMethod = "close")
    @Primary
    ClusterRegistry clusterRegistry(
            Fabric8ClusterRegistry configuredClusters, DemoClusters demoClusters, ClusterSettings settings) {
        List<ClusterRegistry> owned = new ArrayList<>();
        if (!demoClusters.clusters().isEmpty()) {
            owned.add(Fabric8ClusterRegistry.of(demoClusters.configs(), settings));
        }
        ClusterRegistry registry = new CompositeClusterRegistry(configuredClusters, owned);
        log.info("Serving clusters {}", registry.clusters().stream().map(KubernetesCluster::name).toList());
        return registry;
    }
}
