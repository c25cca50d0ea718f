package io.podtally.cache;

/** The freshness of a cluster's pod counts at the moment of a read. */
public enum FreshnessState {
    /** Younger than fresh-for: served, nothing else happens. */
    FRESH,
    /** Between fresh-for and stale-for: served, and one background refresh starts. */
    STALE,
    /** Older than stale-for: the last known counts are served, flagged, and one refresh starts. */
    EXPIRED,
    /** No counts known: {@code pod_count} is null (never 0), and one refresh starts. */
    LOADING,
    /** The snapshot is incomplete: counts are lower bounds; a refresh starts once the backoff has passed. */
    PARTIAL,
    /** The store cannot be reached: no shared counts; nothing is refreshed. */
    UNAVAILABLE;

    /** The lower-case name used in the HTTP API and in metrics. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
