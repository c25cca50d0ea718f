package io.podtally.app.config;

import io.podtally.k8s.ClusterRegistry;
import io.podtally.k8s.KubernetesCluster;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The clusters of several registries (configured and demo) served as one, with resources closed after them (the
 * simulated clusters behind the demo registry). Names must not overlap.
 */
final class CompositeClusterRegistry implements ClusterRegistry {

    private final List<ClusterRegistry> parts;
    private final List<AutoCloseable> resources;
    private final List<KubernetesCluster> clusters;

    CompositeClusterRegistry(List<ClusterRegistry> parts, List<AutoCloseable> resources) {
        this.parts = List.copyOf(parts);
        this.resources = List.copyOf(resources);
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
    public void start() {
        parts.forEach(ClusterRegistry::start);
    }

    @Override
    public void close() {
        List<AutoCloseable> all = new ArrayList<>(parts);
        all.addAll(resources);
        IllegalStateException failure = null;
        for (AutoCloseable closeable : all) {
            try {
                closeable.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing the cluster registry failed");
                }
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
