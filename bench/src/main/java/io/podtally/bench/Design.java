package io.podtally.bench;

/** The designs compared side by side. */
enum Design {

    /** The seed's original design: pods counted synchronously inside the node-list request. */
    SEED_ORIGINAL("1 · seed original", "counted inside each request", "memory"),
    /** The seed's v2.23.1: a per-replica in-memory cache, each replica refreshing on its own. */
    SEED_V2_23_1("2 · seed v2.23.1", "per-replica in-memory cache", "memory"),
    /** podtally: the shared Redis cache, one refresh per cluster across all replicas. */
    PODTALLY("3 · podtally", "shared Redis cache", "redis");

    private final String label;
    private final String summary;
    private final String store;

    Design(String label, String summary, String store) {
        this.label = label;
        this.summary = summary;
        this.store = store;
    }

    String label() {
        return label;
    }

    String summary() {
        return summary;
    }

    /** The {@code podtally.store} the replicas run with. */
    String store() {
        return store;
    }
}
