package io.podtally.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What every deployment of a run shares.
 *
 * @param workDir where logs and the kubeconfig go
 * @param kubeconfig the kubeconfig with one context per simulated cluster
 * @param redisPort the shared {@code redis-server}
 * @param adminToken the admin token of every replica
 * @param incident the seed's incident cluster
 * @param large the large cluster
 */
record Environment(Path workDir, Path kubeconfig, int redisPort, String adminToken, ClusterUnderTest incident,
        ClusterUnderTest large) {

    List<ClusterUnderTest> clusters() {
        return List.of(incident, large);
    }

    /** The Spring properties of every replica of {@code design}. */
    List<String> replicaProperties(Design design, Settings settings) {
        return List.of(
                "podtally.clusters.kubeconfig=" + kubeconfig,
                // the seed's original design keeps nothing, so nothing is warmed up at start
                "podtally.podcounts.warm-up=" + (design != Design.SEED_ORIGINAL),
                "podtally.clusters.in-cluster=false",
                "podtally.store=" + design.store(),
                "spring.data.redis.host=127.0.0.1",
                "spring.data.redis.port=" + redisPort,
                "podtally.podcounts.fresh-for=" + seconds(settings.freshFor()),
                "podtally.podcounts.stale-for=" + seconds(settings.staleFor()),
                "podtally.admin.token=" + adminToken,
                "podtally.demo.enabled=off");
    }

    private static String seconds(Duration duration) {
        return duration.toSeconds() + "s";
    }
}
