package io.podtally.app.wiring;

import io.podtally.k8s.ClusterRegistry;
import io.podtally.k8s.KubernetesCluster;
import io.podtally.k8s.RejectedCluster;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The configured clusters and the demo clusters served as one registry. Names must not overlap. Closing it closes the
 * registries it owns (the demo's); the configured registry is closed by its own bean.
 */
public final class CompositeClusterRegistry implements ClusterRegistry {

    private final List<ClusterRegistry> parts;
    private final List<ClusterRegistry> owned;
    private final List<KubernetesCluster> clusters;

    public CompositeClusterRegistry(ClusterRegistry configured, List<ClusterRegistry> owned) {
        List<ClusterRegistry> all = new ArrayList<>();
        all.add(configured);
        all.addAll(owned);
        this.parts = List.copyOf(all);
        this.owned = List.copyOf(owned);
        this.clusters = parts.stream()
                .flatMap(part -> part.clusters().stream())
                .sorted(Comparator.comparing(KubernetesCluster::name))
                .toList();
        List<String> names = clusters.stream().map(KubernetesCluster::name).toList();
        if (names.size() != names.stream().distinct().count()) {
            throw new IllegalStateException("a demo cluster has the name of a configured cluster: " + names);
        }
    }

    @Override
    public List<KubernetesCluster> clusters() {
        return clusters;
    }

    @Override
    public Optional<KubernetesCluster> find(String name) {
        for (ClusterRegistry part : parts) {
            Optional<KubernetesCluster> found = part.find(name);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    @Override
    public List<RejectedCluster> rejected() {
        return parts.stream().flatMap(part -> part.rejected().stream()).toList();
    }

    @Override
    public void start() {
        parts.forEach(ClusterRegistry::start);
    }

    @Override
    public void close() {
        owned.forEach(ClusterRegistry::close);
    }
}
