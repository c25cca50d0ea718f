package io.podtally.bench;

import java.time.Duration;
import java.util.List;

/**
 * How long and how hard one benchmark run goes.
 *
 * @param mode {@code full} or {@code quick}
 * @param pageLatency simulated API-server latency of one 1000-pod page
 * @param serving the deployments of the serving phase (both clusters, production freshness), in this order
 * @param apiLoad the deployments of the API-load phase (incident cluster, shortened freshness)
 * @param apiFreshFor fresh-for of the API-load phase
 * @param apiStaleFor stale-for of the API-load phase
 * @param apiLoadRate requests per second over all replicas during the API-load window
 * @param apiLoadWindow how long the API-load window lasts
 * @param coldIncident cold starts per deployment on the incident cluster
 * @param coldLarge cold starts per deployment on the large cluster (designs 2 and 3)
 * @param coldLargeSeedOriginal cold starts on the large cluster for design 1 (each is one full count)
 * @param warmUp closed-loop load before a deployment is measured, so that its JIT has compiled the request path
 * @param warm duration of each fixed-rate run
 * @param warmSeedOriginal duration of design 1's fixed-rate run
 * @param saturation duration of each closed-loop run
 * @param saturationClients concurrent clients of the closed-loop runs
 * @param replicaHeap {@code -Xmx} of each replica
 */
record Settings(
        String mode,
        Duration pageLatency,
        List<Deploy> serving,
        List<Deploy> apiLoad,
        Duration apiFreshFor,
        Duration apiStaleFor,
        double apiLoadRate,
        Duration apiLoadWindow,
        int coldIncident,
        int coldLarge,
        int coldLargeSeedOriginal,
        Duration warmUp,
        Duration warm,
        Duration warmSeedOriginal,
        Duration saturation,
        int saturationClients,
        String replicaHeap) {

    /** Requests per second over all replicas, incident cluster and a 100-node page of the large one. */
    static final double PAGE_RATE = 200;
    /** Requests per second for the full 5,000-node list. */
    static final double FULL_LIST_RATE = 20;
    /** podtally's production freshness. */
    static final Duration FRESH_FOR = Duration.ofMinutes(5);
    static final Duration STALE_FOR = Duration.ofMinutes(10);

    static Settings full() {
        return new Settings("full", Duration.ofMillis(500),
                // design 1 last: its overload must not disturb the others' runs
                List.of(new Deploy(Design.PODTALLY, 3), new Deploy(Design.SEED_V2_23_1, 3),
                        new Deploy(Design.SEED_ORIGINAL, 1)),
                List.of(new Deploy(Design.PODTALLY, 1), new Deploy(Design.PODTALLY, 3),
                        new Deploy(Design.SEED_V2_23_1, 3)),
                Duration.ofSeconds(10), Duration.ofSeconds(20), 30, Duration.ofSeconds(40),
                5, 2, 1, Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(5), Duration.ofSeconds(6), 4,
                "1g");
    }

    static Settings smoke() {
        return new Settings("quick", Duration.ofMillis(50),
                List.of(new Deploy(Design.PODTALLY, 3), new Deploy(Design.SEED_ORIGINAL, 1)),
                List.of(new Deploy(Design.PODTALLY, 1)),
                Duration.ofSeconds(5), Duration.ofSeconds(10), 30, Duration.ofSeconds(15),
                2, 1, 0, Duration.ofSeconds(4), Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(3), 4,
                "1g");
    }

    boolean isQuick() {
        return "quick".equals(mode);
    }

    /** One deployment: a design with a number of replicas. */
    record Deploy(Design design, int replicas) {
    }
}
