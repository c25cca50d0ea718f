package io.podtally.cache;

import java.util.Locale;
import java.util.Objects;

/**
 * A change of a cluster's pod counts, published to every replica.
 *
 * @param cluster the cluster
 * @param generation the generation written, 0 after an invalidation
 * @param reason why the counts changed
 */
public record PodCountEvent(String cluster, long generation, Reason reason) {

    public PodCountEvent {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(reason, "reason");
    }

    /** Why a cluster's counts changed. */
    public enum Reason {
        /** New counts were written. */
        WRITE,
        /** The counts were deleted. */
        INVALIDATE,
        /** An operator asked for a recount: the cluster's watch lease holder lists again (watch mode). */
        RELIST,
        /**
         * The counts changed in the store, by whoever and however (a write, a {@code DEL}, an expiry): seen by this
         * replica's near cache, delivered on this replica only, never published.
         */
        CHANGED;

        /** The lower-case name used on the wire. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The reason of a wire label. */
        public static Reason fromLabel(String label) {
            return valueOf(label.toUpperCase(Locale.ROOT));
        }
    }
}
