package io.podtally.app.web;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Tells when what a watched cluster's node list answers has changed. Any source may ask it to {@link #check} a
 * cluster (a pod-count event, a periodic poll, a near cache's invalidation); it reads the cluster's
 * {@link NodeListVersion} and reports a {@link NodeListChange} to its listener only when the version differs from the
 * last one it saw, so sources can signal as often as they like. Checks of one cluster run one at a time, and its
 * changes reach the listener in order.
 *
 * <p>A cluster is watched from its first {@link #watch} until {@code linger} after its last {@link #release}, so a
 * client that reconnects at once finds its cluster still followed.
 */
final class NodeListChangeDetector {

    private final Function<String, NodeListVersion> versions;
    private final Consumer<NodeListChange> listener;
    private final long lingerNanos;
    private final LongSupplier nanoTime;
    private final Map<String, Watched> watched = new ConcurrentHashMap<>();

    NodeListChangeDetector(Function<String, NodeListVersion> versions, Consumer<NodeListChange> listener,
            Duration linger, LongSupplier nanoTime) {
        this.versions = versions;
        this.listener = listener;
        this.lingerNanos = linger.toNanos();
        this.nanoTime = nanoTime;
    }

    /**
     * Starts or goes on watching {@code cluster} for one more client.
     *
     * @return whether watching started now (the cluster was not followed, so changes before now were not seen)
     */
    boolean watch(String cluster) {
        boolean[] started = {false};
        watched.compute(cluster, (name, current) -> {
            if (current == null) {
                started[0] = true;
                return new Watched(versions.apply(name));
            }
            current.clients++;
            return current;
        });
        return started[0];
    }

    /** One client of {@code cluster} is gone. */
    void release(String cluster) {
        watched.computeIfPresent(cluster, (name, current) -> {
            current.clients--;
            if (current.clients == 0) {
                current.idleSince = nanoTime.getAsLong();
            }
            return current;
        });
    }

    /** The last version seen of a watched cluster; takes no lock, so a listener's caller may hold its own. */
    Optional<NodeListVersion> current(String cluster) {
        Watched entry = watched.get(cluster);
        return entry == null ? Optional.empty() : Optional.of(entry.version);
    }

    /** Reads the version of {@code cluster} if it is watched and reports a change; does nothing otherwise. */
    void check(String cluster) {
        Watched entry = watched.get(cluster);
        if (entry == null) {
            return;
        }
        synchronized (entry) {
            NodeListVersion now = versions.apply(cluster);
            List<String> changed = now.changedSince(entry.version);
            if (changed.isEmpty()) {
                return;
            }
            entry.version = now;
            listener.accept(new NodeListChange(changed, now));
        }
    }

    /** Checks every watched cluster, and stops watching those without a client for longer than the linger. */
    void checkAll() {
        long now = nanoTime.getAsLong();
        for (String cluster : watched.keySet()) {
            watched.computeIfPresent(cluster,
                    (name, entry) -> entry.clients == 0 && now - entry.idleSince > lingerNanos ? null : entry);
        }
        watched.keySet().forEach(this::check);
    }

    /** The clusters watched now. */
    List<String> watched() {
        return List.copyOf(watched.keySet());
    }

    private static final class Watched {

        private int clients = 1;
        private long idleSince;
        private volatile NodeListVersion version;

        Watched(NodeListVersion version) {
            this.version = version;
        }
    }
}
