package io.podtally.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podtally.k8s.sim.SimulatedCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

@DisplayName("Watch mode: the leases of 9 clusters spread across the replicas")
@Timeout(240)
class WatchBalanceIT {

    private static final int CLUSTERS = 9;

    @RegisterExtension
    static final PodtallyDeployment deployment = deployment();

    private static PodtallyDeployment deployment() {
        PodtallyDeployment deployment = PodtallyDeployment.onRedis();
        for (int i = 0; i < CLUSTERS; i++) {
            deployment.cluster("spread-" + i, SimulatedCluster.builder().nodes(3).activePods(30).seed(40 + i));
        }
        return deployment.replicas(2)
                .property("podtally.podcounts.mode", "watch")
                .property("podtally.podcounts.watch-flush", "200ms")
                .property("podtally.podcounts.watch-balance-after", "2s")
                .property("podtally.podcounts.lock-watchdog-timeout", "5s")
                .property("podtally.podcounts.warm-up", "false");
    }

    @Test
    @DisplayName("settled, no replica holds more than ⌈C/R⌉+1; a replica joining and leaving moves leases, and no "
            + "count goes loading meanwhile")
    void spreadJoinLeave() throws Exception {
        awaitSpread(2, Duration.ofSeconds(60));

        Set<String> states = ConcurrentHashMap.newKeySet();
        List<String> failures = new ArrayList<>();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleWithFixedDelay(() -> {
            for (Replica replica : deployment.replicas()) {
                try {
                    replica.api().json("/api/v1/clusters").get("data")
                            .forEach(c -> states.add(c.at("/pod_counts/state").asString()));
                } catch (RuntimeException | AssertionError e) {
                    // a replica being removed may close under an answer: only the ones still serving must answer
                    if (deployment.replicas().contains(replica)) {
                        synchronized (failures) {
                            failures.add(e.toString());
                        }
                    }
                }
            }
        }, 0, 200, TimeUnit.MILLISECONDS);
        try {
            Map<String, Integer> before = leasesByHolder();
            Replica joined = deployment.addReplica();
            Map<String, Integer> spread = awaitSpread(3, Duration.ofSeconds(60));
            assertThat(spread.keySet()).containsAll(before.keySet());

            deployment.removeReplica(joined);
            awaitSpread(2, Duration.ofSeconds(60));
        } finally {
            sampler.shutdown();
            assertThat(sampler.awaitTermination(10, TimeUnit.SECONDS)).as("the sampler ended").isTrue();
        }
        assertThat(failures).isEmpty();
        assertThat(states).isNotEmpty().isSubsetOf(Set.of("fresh", "stale"));
    }

    /** Waits until every cluster's lease is held, by {@code replicas} replicas, none over ⌈C/R⌉+1; the spread. */
    private static Map<String, Integer> awaitSpread(int replicas, Duration limit) {
        int most = (CLUSTERS + replicas - 1) / replicas + 1;
        await().atMost(limit).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            Map<String, Integer> spread = leasesByHolder();
            assertThat(spread.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(CLUSTERS);
            assertThat(spread).hasSize(replicas);
            assertThat(spread.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(most));
        });
        return leasesByHolder();
    }

    private static Map<String, Integer> leasesByHolder() {
        Map<String, Integer> spread = new HashMap<>();
        for (JsonNode cluster : deployment.replica().api().json("/api/v1/clusters").get("data")) {
            JsonNode holder = cluster.at("/watch/holder");
            if (!holder.isMissingNode() && !holder.isNull()) {
                spread.merge(holder.asString(), 1, Integer::sum);
            }
        }
        return spread;
    }
}
