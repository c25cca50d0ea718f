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
     * @throws StoreKeyException when the lock service refused the cluster's lock key
     */
    Optional<Held> tryLock(String cluster);

    /** A lock held by the current thread; {@link #close()} releases it. */
    interface Held extends AutoCloseable {

        /**
         * Whether the lock still belongs to this holder, asked of the lock service; never throws. A lock whose key
         * vanished (the lock service restarted or failed over, or the holder paused beyond the watchdog timeout) is
         * no longer held, even when another holder has taken it since. A lock that cannot be lost, such as one local
         * to this replica, keeps this default.
         */
        default boolean stillHeld() {
            return true;
        }

        /**
         * This holder's lock as the store checks it in the same atomic step as a write, so that a holder that lost
         * its lock after its last {@link #stillHeld()} writes nothing.
         */
        Fence fence();

        /** Releases the lock if the current thread still holds it; never throws. */
        @Override
        void close();
    }
}
