package io.podtally.cache;

import java.time.Duration;
import java.util.Objects;

/**
 * How the watch leases run in one replica.
 *
 * @param replica this replica's id, as shown for the leases it holds
 * @param flush how often the holder writes the counts that changed (a burst of events becomes one write), checks that
 *     it still holds the lease and that the hash was not deleted
 * @param replicaTtl how long a replica's heartbeat counts it alive
 * @param handOverCooldown how long a replica that released a lease for balance leaves it to the others, unless the
 *     number of live replicas changes meanwhile
 * @param balanceAfter how long a replica must have been up to count in the balance: only such replicas give leases up,
 *     and only for their share among such replicas, so a replica that just started (or keeps restarting) takes free
 *     leases but moves none
 */
public record WatchSettings(String replica, Duration flush, Duration replicaTtl, Duration handOverCooldown,
        Duration balanceAfter) {

    public WatchSettings {
        Objects.requireNonNull(replica, "replica");
        if (flush.isNegative() || flush.isZero()) {
            throw new IllegalArgumentException("flush must be positive");
        }
        if (balanceAfter.isNegative()) {
            throw new IllegalArgumentException("balanceAfter must not be negative");
        }
    }

    /** The defaults for {@code replica}: flush 500 ms, heartbeat valid 15 s, cool-down 30 s, balance after 1 min. */
    public static WatchSettings defaults(String replica) {
        return new WatchSettings(replica, Duration.ofMillis(500), Duration.ofSeconds(15), Duration.ofSeconds(30),
                Duration.ofMinutes(1));
    }
}
