package io.podtally.cache;

import java.util.Optional;

/**
 * The per-cluster lock that lets one replica at a time refresh a cluster. A held lock must be
 * released on the thread that took it.
 */
public interface RefreshLock {

    /**
     * Takes the cluster's lock without waiting.
     *
     * @return the held lock, or empty when someone else holds it
     * @throws StoreUnavailableException when the lock service cannot be reached
     */
    Optional<Held> tryLock(String cluster);

    /** A lock held by the current thread; {@link #close()} releases it. */
    interface Held extends AutoCloseable {

        /** Releases the lock if the current thread still holds it; never throws. */
        @Override
        void close();
    }
}
