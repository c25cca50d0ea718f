package io.podtally.k8s;

import java.time.Instant;
import java.util.Map;

/**
 * Keeps the active pods per node of one cluster current: lists once (paged, as the {@link PodCounter} does), then
 * follows a pod watch from the list's resource version, with bookmarks. A watch that ends is resumed from the last
 * resource version it saw; {@code 410 Gone} lists again. Keeps per pod only which node it is on. Runs on a thread of
 * its own from {@link #start()} to {@link #close()}; no method waits for the list or the watch.
 */
public interface PodWatch extends AutoCloseable {

    /** Starts listing in the background; does nothing when started. */
    void start();

    /** Drops what is known and lists again from scratch, at once (an operator asked for a recount). */
    void relist();

    /** Where the watch stands now, with a version that changes whenever the counts do. */
    Status status();

    /** The counts now; {@code null} before the first list delivered anything. */
    Counts counts();

    /** Stops the watch and its thread. */
    @Override
    void close();

    /** What the watch is doing. */
    enum State {
        /** Not started, or closed. */
        STOPPED,
        /** The first list is running. */
        LISTING,
        /** The counts follow the watch. */
        WATCHING,
        /** Listing again, after {@code 410 Gone} or {@link #relist()}; the counts of the previous list stay. */
        RELISTING,
        /** Waiting before listing again after a failed or partial list. */
        BACKING_OFF
    }

    /**
     * Where a watch stands.
     *
     * @param state what it is doing
     * @param version changes whenever {@link #counts()} does
     * @param since when it entered {@code state}
     * @param lists lists started (the first included)
     * @param events watch events applied (bookmarks not included)
     * @param lastFailure why the last list or watch failed, or {@code null}
     * @param lastFailureCategory what kind of failure that was, short and without its text (as in
     *     {@link PodCountResult#failureCategory()}), or {@code null}
     */
    record Status(State state, long version, Instant since, long lists, long events, String lastFailure,
            String lastFailureCategory) {

        /** A status whose failure, if any, is not categorized. */
        public Status(State state, long version, Instant since, long lists, long events, String lastFailure) {
            this(state, version, since, lists, events, lastFailure, lastFailure == null ? null : "error");
        }
    }

    /**
     * The counts of a watched cluster.
     *
     * @param countsByNode active pods per node (nodes with at least one)
     * @param complete whether they cover the whole cluster (false after a list that failed part way: the nodes it
     *     did not reach are unknown, the others lower bounds)
     * @param pods active pods, scheduled or not
     * @param pages pages of the last list
     * @param failure why the last list was partial, or {@code null}
     * @param version the {@link Status#version()} these counts are of
     * @param failureCategory what kind of failure made the last list partial (as in
     *     {@link PodCountResult#failureCategory()}), or {@code null}
     */
    record Counts(Map<String, Integer> countsByNode, boolean complete, long pods, int pages, String failure,
            long version, String failureCategory) {

        public Counts {
            countsByNode = Map.copyOf(countsByNode);
        }

        /** Counts whose failure, if any, is not categorized. */
        public Counts(Map<String, Integer> countsByNode, boolean complete, long pods, int pages, String failure,
                long version) {
            this(countsByNode, complete, pods, pages, failure, version, failure == null ? null : "error");
        }
    }
}
