package io.podtally.app.wiring;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.podtally.k8s.ClusterRegistry;
import io.podtally.k8s.KubernetesCluster;
import io.podtally.k8s.NodeCache;
import io.podtally.k8s.NodeMetricsCache;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * The state of each cluster's node informer and metrics source as gauges, one series per state and cluster, 1 for the
 * current state and 0 for the others ({@code podtally.informer.state}, {@code podtally.metrics.state}, tags
 * {@code cluster} and {@code state}): what {@code /api/v1/clusters} and the health details say, to alert on. Read
 * from memory at each scrape; a cluster that is no longer configured reads 0 in every state.
 */
public final class ClusterStateMetrics implements MeterBinder {

    static final String INFORMER_STATE = "podtally.informer.state";
    static final String METRICS_STATE = "podtally.metrics.state";

    private final ClusterRegistry registry;

    public ClusterStateMetrics(ClusterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void bindTo(MeterRegistry meters) {
        for (KubernetesCluster cluster : registry.clusters()) {
            String name = cluster.name();
            for (NodeCache.InformerState state : NodeCache.InformerState.values()) {
                register(meters, INFORMER_STATE, "Whether the cluster's node informer is in this state (1) or not (0)",
                        name, state, c -> c.nodes().state());
            }
            for (NodeMetricsCache.MetricsState state : NodeMetricsCache.MetricsState.values()) {
                register(meters, METRICS_STATE, "Whether the cluster's metrics source is in this state (1) or not (0)",
                        name, state, c -> c.metrics().state());
            }
        }
    }

    private void register(MeterRegistry meters, String meter, String description, String cluster, Enum<?> state,
            Function<KubernetesCluster, Enum<?>> current) {
        Gauge.builder(meter, registry, r -> r.find(cluster).map(c -> current.apply(c) == state ? 1.0 : 0.0).orElse(0.0))
                .description(description)
                .tag("cluster", cluster)
                .tag("state", state.name().toLowerCase(Locale.ROOT))
                .register(meters);
    }
}
