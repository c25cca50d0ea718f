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

@DisplayName("Watch mode: SIGKILL of the lease holder, a replica in a JVM of its own")
@Timeout(240)
class WatchFailoverIT {

    private static final String CLUSTER = "failover";
    private static final String NODES = "/api/v1/nodes?cluster_name=" + CLUSTER;
    private static final Duration WATCHDOG = Duration.ofSeconds(5);

    @RegisterExtension
    static final PodtallyDeployment deployment = PodtallyDeployment.onRedis()
            .cluster(CLUSTER, SimulatedCluster.builder().nodes(10).activePods(400).seed(31)
                    .bookmarkInterval(Duration.ofSeconds(1)))
            .replicas(0)
            .property("podtally.podcounts.mode", "watch")
            .property("podtally.podcounts.watch-flush", "200ms")
            .property("podtally.podcounts.lock-watchdog-timeout", WATCHDOG.toSeconds() + "s")
            .property("podtally.podcounts.warm-up", "false");

    @Test
    @DisplayName("another replica takes the lease within the watchdog timeout plus its list; counts stay exact and "
            + "are never loading meanwhile")
    void anotherReplicaTakesOver() throws Exception {
        SimulatedCluster sim = deployment.cluster(CLUSTER);
        try (ChildJvmReplica child = ChildJvmReplica.start("watch-failover-child", deployment.replicaProperties())) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(child::ready);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(watch(child.api()).at("/state").asString()).isEqualTo("watching"));
            String childId = watch(child.api()).at("/holder").asString();

            List<Replica> others = List.of(deployment.addReplica(), deployment.addReplica());
            awaitExact(others, Duration.ofSeconds(30));
            assertThat(holder(others.get(0))).isEqualTo(childId);

            Set<String> states = ConcurrentHashMap.newKeySet();
            List<String> failures = new ArrayList<>();
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleWithFixedDelay(() -> {
                for (Replica replica : others) {
                    try {
                        states.add(replica.api().json(NODES).at("/pod_counts/state").asString());
                    } catch (RuntimeException | AssertionError e) {
                        synchronized (failures) {
                            failures.add(e.toString());
                        }
                    }
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
            try {
                child.kill();
                long killedAt = System.nanoTime();
                sim.addPods(sim.nodeNames().get(2), 3);
                sim.removePods(sim.nodeNames().get(3), 2);

                await().atMost(WATCHDOG.plusSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                    String holder = holder(others.get(0));
                    assertThat(holder).isNotNull().isNotEqualTo(childId);
                    assertThat(watch(others.get(0).api()).at("/state").asString()).isEqualTo("watching");
                });
                Duration takeover = Duration.ofNanos(System.nanoTime() - killedAt);
                awaitExact(others, Duration.ofSeconds(5));
                assertThat(takeover).isLessThan(WATCHDOG.plusSeconds(10));
            } finally {
                // shutdown, not shutdownNow: interrupting the sampler would fail its own request under way
                sampler.shutdown();
                assertThat(sampler.awaitTermination(10, TimeUnit.SECONDS)).as("the sampler ended").isTrue();
            }
            assertThat(failures).isEmpty();
            assertThat(states).isNotEmpty().isSubsetOf(Set.of("fresh", "stale"));
        }
    }

    private static JsonNode watch(ApiClient api) {
        return api.json("/api/v1/clusters").at("/data/0/watch");
    }

    private static String holder(Replica replica) {
        JsonNode holder = watch(replica.api()).at("/holder");
        return holder.isMissingNode() || holder.isNull() ? null : holder.asString();
    }

    private static void awaitExact(List<Replica> replicas, Duration limit) {
        SimulatedCluster sim = deployment.cluster(CLUSTER);
        await().atMost(limit).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            Map<String, Integer> truth = sim.activePodsByNode();
            Map<String, Integer> expected = new HashMap<>();
            sim.nodeNames().forEach(n -> expected.put(n, truth.getOrDefault(n, 0)));
            for (Replica replica : replicas) {
                JsonNode body = replica.api().json(NODES);
                assertThat(body.at("/pod_counts/state").asString()).isEqualTo("fresh");
                Map<String, Integer> counts = new HashMap<>();
                body.get("data").forEach(n -> counts.put(n.get("name").asString(),
                        n.get("pod_count").isNull() ? null : n.get("pod_count").asInt()));
                assertThat(counts).isEqualTo(expected);
            }
        });
    }
}
