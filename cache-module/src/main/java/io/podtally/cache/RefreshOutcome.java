package io.podtally.cache;

import java.util.Locale;

/** How one refresh attempt ended. */
public enum RefreshOutcome {
    /** Counts of the whole cluster were written. */
    COMPLETE,
    /** Partial counts were written (or the stored ones, covering more, were kept); backoff set. */
    PARTIAL,
    /** The source failed; backoff set. */
    FAILED,
    /** Stopped by the shutdown of this replica: nothing written, no backoff. */
    STOPPED,
    /**
     * The cluster's lock was lost while counting (its key vanished: Redis restarted or failed over, or the holder
     * paused beyond the watchdog timeout): the count stopped, nothing written, no backoff.
     */
    LOCK_LOST,
    /** Another replica holds the cluster's lock. */
    SKIPPED_LOCKED,
    /** The counts were fresh when re-read under the lock. */
    SKIPPED_FRESH,
    /** Counted, but the store failed on every write attempt; backoff set when the store answered again. */
    WRITE_FAILED,
    /** The store refused the complete counts: newer ones were written meanwhile. */
    SUPERSEDED,
    /** The cluster's backoff ({@code @next_attempt}) has not passed. */
    SKIPPED_BACKOFF,
    /** The cluster's previous list ended less than fresh-for ago ({@code @ended_at}). */
    SKIPPED_RECENT,
    /** The store could not be reached, or refused the cluster's key ({@link StoreKeyException}). */
    SKIPPED_UNAVAILABLE,
    /** No refresh thread or queue slot was free in this replica. */
    SKIPPED_BUSY;

    /** The lower-case name used in metrics and logs. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
