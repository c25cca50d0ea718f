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
     * Whether the first sync can still be expected: it has not happened and the sync deadline after start has not
     * passed. Once it returns false before a first sync, a caller gains nothing by waiting.
     */
    default boolean firstSyncExpected() {
        return state() == InformerState.STARTING;
    }

    /**
     * Waits up to {@code timeout} for the first sync.
     *
     * @return whether the cache has synced
     */
    boolean awaitSynced(Duration timeout);

    /** All nodes, sorted by name. */
    List<NodeView> list();

    /**
     * All nodes, sorted by name, together with the fingerprint of exactly those nodes. An answer built from the nodes
     * and cached under a tag made of the fingerprint must take both from one snapshot.
     */
    Snapshot snapshot();

    /** One node by name. */
    Optional<NodeView> get(String name);

    /**
     * A content fingerprint of the nodes {@link #list()} returns, for ETags: the sum (mod 2<sup>64</sup>) of
     * {@link Fingerprints#node} over them. It is equal on every replica that holds the same nodes with the same
     * content, whatever order they arrived in, and changes when a node is added, changed or removed. 0 for no nodes.
     */
    long fingerprint();

    /**
     * The reason the informer is degraded, or {@code null}. Never contains credentials, but may name the API server,
     * the identity and the RBAC rule: for logs and authorized health details, not for every answer.
     */
    String lastError();

    /** The kind of {@link #lastError()}, fit for any answer; {@code null} when there is none. */
    ErrorCategory errorCategory();

    /**
     * The nodes and their fingerprint at one moment.
     *
     * @param nodes the nodes, sorted by name
     * @param fingerprint the fingerprint of exactly these nodes, as {@link #fingerprint()} defines it
     */
    record Snapshot(List<NodeView> nodes, long fingerprint) {

        /** No nodes. */
        public static final Snapshot EMPTY = new Snapshot(List.of(), 0);
    }

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
