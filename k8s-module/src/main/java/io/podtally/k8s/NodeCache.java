package io.podtally.k8s;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The nodes of one cluster as kept by a slim informer. Started in the background; never blocks
 * start-up. Until it has synced, {@link #list()} is empty and {@link #state()} says why.
 */
public interface NodeCache {

    /** Where the informer stands. */
    InformerState state();

    /** Whether the informer has completed its first list. */
    default boolean synced() {
        return state() == InformerState.SYNCED;
    }

    /**
     * Waits up to {@code timeout} for the first sync.
     *
     * @return whether the cache has synced
     */
    boolean awaitSynced(Duration timeout);

    /** All nodes, sorted by name. */
    List<NodeView> list();

    /** One node by name. */
    Optional<NodeView> get(String name);

    /** A number that changes whenever a node is added, changed or removed (for ETags). */
    long version();

    /** The reason the informer is degraded, or {@code null}. Never contains credentials. */
    String lastError();

    /** The states of a node informer. */
    enum InformerState {
        /** Not started yet or waiting for the first list. */
        STARTING,
        /** The first list has completed; the cache follows the watch. */
        SYNCED,
        /** The first list did not complete within the sync deadline, or the watch failed; retrying. */
        DEGRADED,
        /** Stopped. */
        STOPPED
    }
}
