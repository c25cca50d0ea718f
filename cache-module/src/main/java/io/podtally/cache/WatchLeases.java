package io.podtally.cache;

import java.util.Optional;

/** Watch mode's coordinator, or nothing in paginated mode; what the web layer asks about the leases. */
public final class WatchLeases implements AutoCloseable {

    private final WatchCoordinator coordinator;

    private WatchLeases(WatchCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    public static WatchLeases of(WatchCoordinator coordinator) {
        return new WatchLeases(coordinator);
    }

    public static WatchLeases none() {
        return new WatchLeases(null);
    }

    /** Whether counts come from watches. */
    public boolean enabled() {
        return coordinator != null;
    }

    /** Who holds the cluster's lease, if anyone (empty in paginated mode). */
    public Optional<WatchLease.Holder> holder(String cluster) {
        return coordinator == null ? Optional.empty() : coordinator.holder(cluster);
    }

    /** Asks the cluster's lease holder to list again; whether one holds it. */
    public boolean requestRelist(String cluster) {
        return coordinator != null && coordinator.requestRelist(cluster);
    }

    @Override
    public void close() {
        if (coordinator != null) {
            coordinator.close();
        }
    }
}
