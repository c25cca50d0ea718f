package io.podtally.bench;

import java.time.Duration;
import java.util.List;

/**
 * How long and how hard one benchmark run goes.
 *
 * @param mode {@code full} or {@code quick}
 * @param pageLatency simulated API-server latency of one 1000-pod page
 * @param freshFor {@code podtally.podcounts.fresh-for} of every replica (shortened from 5 min)
 * @param staleFor {@code podtally.podcounts.stale-for} of every replica (shortened from 10 min)
 * @param designs the designs run, in this order
 * @param replicaCounts the replica counts run for every design
 * @param coldIncident cold starts per deployment on the incident cluster
 * @param coldLarge cold starts per deployment on the large cluster (designs 2 and 3)
 * @param coldLargeSeedOriginal cold starts on the large cluster for design 1 (each is one full count)
 * @param warmUp closed-loop load before a deployment is measured, so that its JIT has compiled the request path
 * @param warm duration of each fixed-rate run
 * @param warmSeedOriginal duration of design 1's fixed-rate run
 * @param saturation duration of each closed-loop run
 * @param saturationClients concurrent clients of the closed-loop runs
 * @param singleReplicaRate the rate sent to a one-replica deployment during its steady window
 * @param singleReplicaWindow the steady window of a one-replica deployment
 * @param replicaHeap {@code -Xmx} of each replica
 */
record Settings(
        String mode,
        Duration pageLatency,
        Duration freshFor,
        Duration staleFor,
        List<Design> designs,
        List<Integer> replicaCounts,
        int coldIncident,
        int coldLarge,
        int coldLargeSeedOriginal,
        Duration warmUp,
        Duration warm,
        Duration warmSeedOriginal,
        Duration saturation,
        int saturationClients,
        double singleReplicaRate,
        Duration singleReplicaWindow,
        String replicaHeap) {

    /** Requests per second over all replicas, incident cluster and a 100-node page of the large one. */
    static final double PAGE_RATE = 200;
    /** Requests per second for the full 5,000-node list. */
    static final double FULL_LIST_RATE = 20;

    static Settings full() {
        // design 1 last: its overload must not disturb the others' runs
        return new Settings("full", Duration.ofMillis(500), Duration.ofSeconds(60), Duration.ofSeconds(120),
                List.of(Design.PODTALLY, Design.SEED_V2_23_1, Design.SEED_ORIGINAL), List.of(1, 3), 5, 3, 1,
                Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(5), Duration.ofSeconds(8), 4,
                PAGE_RATE / 3, Duration.ofSeconds(75), "1g");
    }

    static Settings smoke() {
        return new Settings("quick", Duration.ofMillis(50), Duration.ofSeconds(10), Duration.ofSeconds(20),
                List.of(Design.PODTALLY, Design.SEED_ORIGINAL), List.of(3), 2, 1, 0, Duration.ofSeconds(4),
                Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(3), 4, PAGE_RATE / 3,
                Duration.ofSeconds(20), "1g");
    }

    boolean isQuick() {
        return "quick".equals(mode);
    }
}
