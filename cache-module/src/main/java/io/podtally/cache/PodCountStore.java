package io.podtally.cache;

import java.time.Instant;
import java.util.Optional;

/**
 * Where the pod counts of every cluster are kept, shared by all replicas (Redis) or by one
 * (in memory). Every method throws {@link StoreUnavailableException} when the store cannot be
 * reached, and {@link StoreKeyException} when it refuses the cluster's key (that cluster's problem, not an outage).
 */
public interface PodCountStore {

    /** The cluster's snapshot, read in one round trip; empty when nothing is stored. */
    Optional<PodCountSnapshot> read(String cluster);

    /**
     * Replaces the cluster's snapshot atomically, unless the stored one is newer ({@code fetchedAt}
     * after the new one's), or is complete while the new one is partial and not newer than the
     * stored one's {@code staleUntil}. An accepted write increments the generation and renews the
     * retention.
     */
    WriteResult write(String cluster, PodCountSnapshot snapshot);

    /**
     * Writes as {@link #write(String, PodCountSnapshot)} does, only while {@code fence}'s lock still belongs to its
     * holder, checked in the same atomic step as the write: a holder whose lock lapsed or was taken by another never
     * writes.
     *
     * @return the answer, or empty when the lock does not belong to the fence's holder (nothing written)
     */
    Optional<WriteResult> write(String cluster, PodCountSnapshot snapshot, Fence fence);

    /**
     * Records a failed or partial refresh: no refresh before {@code nextAttempt}, the count of
     * consecutive failures, and why ({@code failure}, or {@code null} to keep the recorded one). Leaves the counts as
     * they are.
     */
    void setBackoff(String cluster, Instant nextAttempt, int failures, LastFailure failure);

    /** Records a failed or partial refresh without saying why (the recorded failure is kept). */
    default void setBackoff(String cluster, Instant nextAttempt, int failures) {
        setBackoff(cluster, nextAttempt, failures, null);
    }

    /** Deletes the cluster's snapshot; returns whether there was one. */
    boolean delete(String cluster);

    /**
     * The answer to a {@link #write}.
     *
     * @param accepted whether the snapshot was stored
     * @param generation the generation now stored (the new one when accepted)
     */
    record WriteResult(boolean accepted, long generation) {}
}
