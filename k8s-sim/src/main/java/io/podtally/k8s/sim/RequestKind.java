package io.podtally.k8s.sim;

/** The kinds of request a simulated cluster counts; see {@link SimulatedCluster#requestCounts()}. */
public enum RequestKind {

    /** {@code GET /api/v1/nodes} without {@code watch}. */
    NODE_LISTS(true),
    /** {@code GET /api/v1/nodes/{name}}. */
    NODE_GETS(true),
    /** Node watches opened. */
    NODE_WATCHES(true),
    /** Pod list requests, every page. */
    POD_LIST_PAGES(true),
    /** Pod list requests without {@code continue}, the start of a list (also counted in {@link #POD_LIST_PAGES}). */
    POD_LIST_SEQUENCES(false),
    /** Pod list requests answered as a {@code Table} (also counted in {@link #POD_LIST_PAGES}). */
    POD_TABLE_PAGES(false),
    /** Pod watches opened. */
    POD_WATCHES(true),
    /** Requests to {@code metrics.k8s.io}. */
    METRICS(true),
    /** Discovery and anything else. */
    OTHER(true);

    private final boolean ownRequest;

    RequestKind(boolean ownRequest) {
        this.ownRequest = ownRequest;
    }

    /** Whether a request of this kind is counted under no other kind. */
    boolean ownRequest() {
        return ownRequest;
    }
}
