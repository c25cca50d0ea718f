package io.podtally.cache;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The per-cluster watch lease: at most one replica at a time watches a cluster's pods and writes its counts. A lease
 * lapses on its own within its timeout when its holder dies. Every method throws {@link StoreUnavailableException}
 * when the lease service cannot be reached.
 */
public interface WatchLease {

    /** Takes the cluster's lease without waiting; empty when someone holds it. */
    Optional<Held> tryAcquire(String cluster);

    /** Whether any replica holds the cluster's lease now. */
    boolean isHeld(String cluster);

    /** Who holds the cluster's lease, as last published, if anyone does. */
    Optional<Holder> holder(String cluster);

    /** A lease taken by this replica. */
    interface Held {

        /** Whether this replica still holds it (the lease may have lapsed: Redis restarted, a pause outlived it). */
        boolean stillHeld();

        /**
         * Writes the cluster's snapshot to the shared store only while this replica holds the lease, checked in the
         * same atomic step as the write (fencing): a holder whose lease lapsed or was taken by another never writes.
         *
         * @return the store's answer, or empty when the lease is not held by this replica (nothing written)
         * @throws StoreUnavailableException when the store cannot be reached
         */
        Optional<PodCountStore.WriteResult> write(PodCountSnapshot snapshot);

        /**
         * Publishes who holds the cluster's lease, valid for {@code ttl}, only while this replica holds the lease,
         * checked in the same atomic step as the write (fenced like {@link #write}): a replica that lost its lease
         * never overwrites the description of the new holder.
         *
         * @return whether it was published (false: the lease is not held by this replica, nothing written)
         * @throws StoreUnavailableException when the lease service cannot be reached
         */
        boolean describe(Holder holder, Duration ttl);

        /** Gives the lease up; never throws (a lease that cannot be released lapses within its timeout). */
        void release();
    }

    /**
     * A lease holder.
     *
     * @param replica the holder's replica id
     * @param since when it took the lease
     * @param state its watch's state
     */
    record Holder(String replica, Instant since, String state) {
    }
}
