package io.podtally.cache;

import java.time.Duration;

/** Where replicas announce themselves with a heartbeat that expires, to spread the watch leases. */
public interface ReplicaRegistry {

    /**
     * Announces {@code replica} as alive for {@code ttl}.
     *
     * @param settled how long a replica must have been up to count as settled
     * @return the replicas alive now, this one included
     * @throws StoreUnavailableException when the registry cannot be reached
     */
    Replicas heartbeat(String replica, Duration ttl, Duration settled);

    /** Removes {@code replica} from the live ones, as it stops; never throws (its heartbeat expires anyway). */
    void leave(String replica);

    /**
     * The live replicas, as one replica's heartbeat found them.
     *
     * @param alive replicas whose heartbeat has not expired, this one included
     * @param settled those of them that have been up for the settling time
     * @param selfSettled whether this replica is one of the settled ones
     */
    record Replicas(int alive, int settled, boolean selfSettled) {
    }
}
