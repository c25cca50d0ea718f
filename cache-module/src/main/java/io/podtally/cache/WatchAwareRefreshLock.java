package io.podtally.cache;

import java.util.Objects;
import java.util.Optional;

/**
 * The refresh lock of watch mode: not taken while a replica holds the cluster's watch lease (the holder keeps the
 * counts current; a paginated refresh would only add a LIST), otherwise the paginated refresh's lock.
 */
public final class WatchAwareRefreshLock implements RefreshLock {

    private final RefreshLock refreshLock;
    private final WatchLease lease;

    public WatchAwareRefreshLock(RefreshLock refreshLock, WatchLease lease) {
        this.refreshLock = Objects.requireNonNull(refreshLock, "refreshLock");
        this.lease = Objects.requireNonNull(lease, "lease");
    }

    @Override
    public Optional<Held> tryLock(String cluster) {
        if (lease.isHeld(cluster)) {
            return Optional.empty();
        }
        return refreshLock.tryLock(cluster);
    }
}
