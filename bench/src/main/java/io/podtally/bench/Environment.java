package io.podtally.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the deployments of one phase of a run share.
 *
 * @param phase what the phase measures: {@link Phase#SERVING} or {@link Phase#API_LOAD}
 * @param workDir where logs and kubeconfigs go
 * @param kubeconfig the kubeconfig with one context per cluster of the phase
 * @param clusters the clusters of the phase
 * @param redisPort the shared {@code redis-server}
 * @param adminToken the admin token of every replica
 * @param freshFor {@code podtally.podcounts.fresh-for} of every replica
 * @param staleFor {@code podtally.podcounts.stale-for} of every replica
 */
record Environment(Phase phase, Path workDir, Path kubeconfig, List<ClusterUnderTest> clusters, int redisPort,
        String adminToken, Duration freshFor, Duration staleFor) {

    Environment {
        clusters = List.copyOf(clusters);
    }

    ClusterUnderTest incident() {
        return cluster(SimulatedClusters.INCIDENT).orElseThrow();
    }

    Optional<ClusterUnderTest> large() {
        return cluster(SimulatedClusters.LARGE);
    }

    private Optional<ClusterUnderTest> cluster(String name) {
        return clusters.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** The Spring properties of every replica of {@code design}. */
    List<String> replicaProperties(Design design) {
        return List.of(
                "podtally.clusters.kubeconfig=" + kubeconfig,
                "podtally.clusters.in-cluster=false",
                // the seed's original design keeps nothing, so nothing is warmed up at start
                "podtally.podcounts.warm-up=" + (design != Design.SEED_ORIGINAL),
                "podtally.store=" + design.store(),
                "spring.data.redis.host=127.0.0.1",
                "spring.data.redis.port=" + redisPort,
                "podtally.podcounts.fresh-for=" + freshFor.toSeconds() + "s",
                "podtally.podcounts.stale-for=" + staleFor.toSeconds() + "s",
                "podtally.admin.token=" + adminToken,
                "podtally.demo.enabled=off");
    }

    /** The phases of a run. */
    enum Phase {
        /** Cold and warm latency, throughput, bytes: both clusters, production freshness. */
        SERVING,
        /** Pod LIST sequences under steady load: the incident cluster, freshness shortened. */
        API_LOAD
    }
}
