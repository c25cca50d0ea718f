package io.podtally.app.wiring;

import io.podtally.cache.PodCountWatch;
import io.podtally.cache.PodCountWatches;
import io.podtally.cache.SourceCounts;
import io.podtally.k8s.ClusterRegistry;
import io.podtally.k8s.KubernetesCluster;
import io.podtally.k8s.PodWatch;
import java.time.Duration;
import java.util.Locale;

/** Opens the clusters' pod watches for the watch leases, as the cache sees them. */
public final class ClusterPodCountWatches implements PodCountWatches {

    static final String SOURCE = "informer";

    private final ClusterRegistry registry;
    private final Duration backoffInitial;
    private final Duration backoffMax;

    public ClusterPodCountWatches(ClusterRegistry registry, Duration backoffInitial, Duration backoffMax) {
        this.registry = registry;
        this.backoffInitial = backoffInitial;
        this.backoffMax = backoffMax;
    }

    @Override
    public PodCountWatch open(String cluster) {
        KubernetesCluster target = registry.find(cluster)
                .orElseThrow(() -> new IllegalArgumentException("cluster " + cluster + " is not configured"));
        return new Adapter(target.newPodWatch(backoffInitial, backoffMax));
    }

    private record Adapter(PodWatch watch) implements PodCountWatch {

        @Override
        public void start() {
            watch.start();
        }

        @Override
        public void relist() {
            watch.relist();
        }

        @Override
        public Status status() {
            PodWatch.Status status = watch.status();
            return new Status(status.state().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                    status.state() == PodWatch.State.WATCHING, status.version(), status.lists(), status.events(),
                    status.since(), status.lastFailureCategory());
        }

        @Override
        public SourceCounts counts() {
            PodWatch.Counts counts = watch.counts();
            return counts == null ? null : new SourceCounts(counts.countsByNode(), counts.complete(), counts.pages(),
                    counts.pods(), SOURCE, counts.failure(), null, counts.failureCategory());
        }

        @Override
        public void close() {
            watch.close();
        }
    }
}
