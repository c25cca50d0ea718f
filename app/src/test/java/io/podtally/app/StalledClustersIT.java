package io.podtally.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podtally.cache.RefreshOutcome;
import io.podtally.cache.RefreshingPodCountCache;
import io.podtally.k8s.sim.RequestKind;
import io.podtally.k8s.sim.SimulatedCluster;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("API servers that stall every pod page do not delay the refresh of the healthy clusters")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StalledClustersIT {

    private static final int STALLED = 6;
    private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration HEALTHY_REFRESH = Duration.ofSeconds(10);

    @RegisterExtension
    static final PodtallyDeployment deployment = deployment();

    private static PodtallyDeployment deployment() {
        PodtallyDeployment deployment = PodtallyDeployment.onRedis()
                .cluster("healthy-1", SimulatedCluster.builder().nodes(4).activePods(80).seed(1))
                .cluster("healthy-2", SimulatedCluster.builder().nodes(4).activePods(80).seed(2))
                .property("podtally.podcounts.warm-up", "false")
                .property("podtally.podcounts.page-timeout", PAGE_TIMEOUT.toSeconds() + "s");
        for (int i = 1; i <= STALLED; i++) {
            deployment.cluster("stalled-" + i, SimulatedCluster.builder().nodes(4).activePods(80).seed(10 + i));
        }
        return deployment;
    }

    @Test
    @DisplayName("with the default refresh threads, six stalled clusters counting leave the healthy ones refreshing at once")
    void stalledClustersDoNotDelayHealthyOnes() throws Exception {
        RefreshingPodCountCache cache = deployment.replica().bean(RefreshingPodCountCache.class);
        List<SimulatedCluster> stalled = IntStream.rangeClosed(1, STALLED)
                .mapToObj(i -> deployment.cluster("stalled-" + i))
                .toList();
        stalled.forEach(sim -> sim.stallPage(1));
        IntStream.rangeClosed(1, STALLED).forEach(i -> cache.refresh("stalled-" + i));
        await().atMost(HEALTHY_REFRESH).until(() -> stalled.stream()
                .mapToLong(sim -> sim.requestCounts().get(RequestKind.POD_LIST_PAGES)).sum() >= 4);

        CompletableFuture<RefreshOutcome> first = cache.refresh("healthy-1");
        CompletableFuture<RefreshOutcome> second = cache.refresh("healthy-2");

        assertThat(first.get(HEALTHY_REFRESH.toSeconds(), TimeUnit.SECONDS)).isEqualTo(RefreshOutcome.COMPLETE);
        assertThat(second.get(HEALTHY_REFRESH.toSeconds(), TimeUnit.SECONDS)).isEqualTo(RefreshOutcome.COMPLETE);
        stalled.forEach(SimulatedCluster::clearFaults);
    }
}
