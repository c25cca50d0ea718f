package io.podtally.cache;

import java.time.Duration;

/** Where replicas announce themselves with a heartbeat that expires, to spread the watch leases. */
public interface ReplicaRegistry {

    /**
     * Announces {@code replica} as alive for {@code ttl}.
     *
     * @return the replicas alive now, this one included
     * @throws StoreUnavailableException when the registry cannot be reached
     */
    int heartbeat(String replica, Duration ttl);
}
