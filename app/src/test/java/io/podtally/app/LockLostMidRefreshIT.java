package io.podtally.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podtally.cache.RefreshOutcome;
import io.podtally.cache.RefreshingPodCountCache;
import io.podtally.k8s.sim.RequestKind;
import io.podtally.k8s.sim.SimulatedCluster;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("Lock lost mid-refresh: the replica that lost it stops at its next page and writes nothing")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LockLostMidRefreshIT {

    private static final String CLUSTER = "slow";
    private static final String KEY = "podtally:{slow}:podcounts";
    private static final String LOCK = "podtally:{slow}:refresh-lock";
    private static final Duration PAGE_LATENCY = Duration.ofMillis(200);
    private static final Duration LIMIT = Duration.ofSeconds(40);

    @RegisterExtension
    static final PodtallyDeployment deployment = PodtallyDeployment.onRedis()
            .cluster(CLUSTER, SimulatedCluster.builder().nodes(10).activePods(1000).seed(21))
            .replicas(2)
            .property("podtally.podcounts.warm-up", "false")
            .property("podtally.podcounts.page-size", "50");

    private SimulatedCluster sim;
    private RefreshingPodCountCache a;
    private RefreshingPodCountCache b;

    @BeforeEach
    void setUp() {
        sim = deployment.cluster();
        sim.pageLatency(PAGE_LATENCY);
        a = deployment.replicas().get(0).bean(RefreshingPodCountCache.class);
        b = deployment.replicas().get(1).bean(RefreshingPodCountCache.class);
        deployment.redis().cli("DEL", KEY);
        await().atMost(LIMIT).until(() -> a.refreshesInFlight() == 0 && b.refreshesInFlight() == 0);
        sim.resetRequestCounts();
    }

    @Test
    @DisplayName("the lock key deleted mid-list (DEL): the other replica lists, the first stops and writes nothing")
    void lockKeyDeletedMidList() throws Exception {
        CompletableFuture<RefreshOutcome> first = a.refresh(CLUSTER);
        await().atMost(LIMIT).until(() -> sim.requestCounts().get(RequestKind.POD_LIST_PAGES) >= 3);

        assertThat(deployment.redis().cli("DEL", LOCK)).isEqualTo("1");
        long pagesOfFirstWhenLost = sim.requestCounts().get(RequestKind.POD_LIST_PAGES);
        CompletableFuture<RefreshOutcome> second = b.refresh(CLUSTER);

        assertThat(second.get(LIMIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(RefreshOutcome.COMPLETE);
        assertThat(first.get(LIMIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(RefreshOutcome.LOCK_LOST);
        assertOnlySecondListedToTheEndAndWrote(pagesOfFirstWhenLost);
    }

    @Test
    @DisplayName("Redis restarted empty mid-list: the other replica lists, the first stops and writes nothing")
    void redisRestartedMidList() throws Exception {
        CompletableFuture<RefreshOutcome> first = a.refresh(CLUSTER);
        await().atMost(LIMIT).until(() -> sim.requestCounts().get(RequestKind.POD_LIST_PAGES) >= 3);

        deployment.redis().restart();
        long pagesOfFirstWhenLost = sim.requestCounts().get(RequestKind.POD_LIST_PAGES);
        RefreshOutcome outcome = await().atMost(LIMIT).pollInterval(Duration.ofMillis(200))
                .until(() -> b.refresh(CLUSTER).get(LIMIT.toSeconds(), TimeUnit.SECONDS),
                        o -> o == RefreshOutcome.COMPLETE || o == RefreshOutcome.SKIPPED_LOCKED);

        assertThat(outcome).as("the second replica took the lock, not the first one again")
                .isEqualTo(RefreshOutcome.COMPLETE);
        assertThat(first.get(LIMIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(RefreshOutcome.LOCK_LOST);
        assertOnlySecondListedToTheEndAndWrote(pagesOfFirstWhenLost);
    }

    private void assertOnlySecondListedToTheEndAndWrote(long pagesOfFirstWhenLost) {
        long pagesOfSecond = Long.parseLong(deployment.redis().cli("HGET", KEY, "@pages"));
        long pagesOfFirst = sim.requestCounts().get(RequestKind.POD_LIST_PAGES) - pagesOfSecond;
        assertThat(pagesOfSecond).isGreaterThan(10);
        assertThat(pagesOfFirst).as("pages the first replica asked for; it had %d when the lock vanished",
                        pagesOfFirstWhenLost)
                .isLessThanOrEqualTo(pagesOfFirstWhenLost + 1)
                .isLessThan(pagesOfSecond);
        assertThat(deployment.redis().cli("HGET", KEY, "@generation"))
                .as("one write: the second replica's").isEqualTo("1");
    }
}
