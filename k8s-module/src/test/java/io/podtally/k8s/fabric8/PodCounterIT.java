package io.podtally.k8s.fabric8;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.podtally.k8s.PodCountResult;
import io.podtally.k8s.PodCounterSettings;
import io.podtally.k8s.sim.PageFault;
import io.podtally.k8s.sim.RequestKind;
import io.podtally.k8s.sim.SimulatedCluster;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs every case twice: against a server that answers the counter's Table request with a
 * {@code Table}, and against one that ignores it and answers a plain {@code PodList}.
 */
@DisplayName("Fabric8PodCounter against a simulated cluster")
@ParameterizedClass(name = "server tables: {0}")
@ValueSource(booleans = {true, false})
class PodCounterIT {

    private static final int PAGE = 100;

    private static SimulatedCluster sim;
    private static KubernetesClient client;
    private static long listed;
    private static int pagesNeeded;

    @BeforeAll
    static void start() {
        sim = SimulatedCluster.builder().nodes(60).activePods(3000).seed(11).start();
        client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(sim.kubeconfigYaml("sim"))).build();
        listed = sim.activePods() + sim.unscheduledActivePods();
        pagesNeeded = (int) ((listed + PAGE - 1) / PAGE);
    }

    @Parameter
    boolean tables;

    @AfterAll
    static void stop() {
        client.close();
        sim.close();
    }

    @BeforeEach
    void serveTables() {
        sim.tablesEnabled(tables);
    }

    /** Asserts that the pages came in the form the server was set to answer with. */
    private void assertFormat() {
        assertThat(sim.requestCounts().get(RequestKind.POD_TABLE_PAGES))
                .isEqualTo(tables ? sim.requestCounts().get(RequestKind.POD_LIST_PAGES) : 0);
    }

    @AfterEach
    void reset() {
        sim.clearFaults();
        sim.unavailable(false);
        sim.pageLatency(Duration.ZERO);
        sim.start();
        sim.resetRequestCounts();
    }

    private static PodCounterSettings settings() {
        return new PodCounterSettings(PAGE, Duration.ofSeconds(10), 500, Duration.ofSeconds(30), 3, Duration.ofSeconds(5));
    }

    private static PodCountResult count(PodCounterSettings settings) {
        return new Fabric8PodCounter(client, settings).count();
    }

    private static void assertExact(PodCountResult result) {
        assertThat(result.complete()).isTrue();
        assertThat(result.failure()).isNull();
        assertThat(result.failureCategory()).isNull();
        assertThat(result.countsByNode()).isEqualTo(sim.activePodsByNode());
        assertThat(result.pods()).isEqualTo(listed);
        assertThat(result.unscheduled()).isEqualTo(sim.unscheduledActivePods());
        assertThat(result.pages()).isEqualTo(pagesNeeded);
    }

    /** A partial result only holds counts of nodes it saw, each a lower bound of the truth, never 0. */
    private static void assertLowerBounds(PodCountResult result) {
        assertThat(result.complete()).isFalse();
        assertThat(result.failure()).isNotBlank().doesNotContain(SimulatedCluster.TOKEN);
        Map<String, Integer> truth = sim.activePodsByNode();
        result.countsByNode().forEach((node, n) -> {
            assertThat(n).as("count of %s", node).isPositive().isLessThanOrEqualTo(truth.get(node));
        });
        assertThat(result.countsByNode().values().stream().mapToLong(Integer::longValue).sum())
                .isEqualTo(result.pods() - result.unscheduled());
    }

    @Test
    @DisplayName("counts exactly across many pages, leaving out unscheduled pods and nodes without active pods")
    void exactAcrossPages() {
        PodCountResult result = count(settings());

        assertExact(result);
        assertThat(result.restarts()).isZero();
        assertThat(result.unscheduled()).isPositive();
        assertThat(sim.nodeNames()).anySatisfy(node -> assertThat(result.countsByNode()).doesNotContainKey(node));
        assertThat(sim.requestCounts().get(RequestKind.POD_LIST_SEQUENCES)).isEqualTo(1);
        assertThat(sim.requestCounts().get(RequestKind.POD_LIST_PAGES)).isEqualTo(pagesNeeded);
        assertFormat();
    }

    @Test
    @DisplayName("restarts the list after 410 Expired mid-list and still counts exactly")
    void expiredOnceRestarts() {
        sim.expirePageOnce(4);

        PodCountResult result = count(settings());

        assertExact(result);
        assertThat(result.restarts()).isEqualTo(1);
        assertThat(sim.requestCounts().get(RequestKind.POD_LIST_SEQUENCES)).isEqualTo(2);
        assertThat(sim.requestCounts().get(RequestKind.POD_LIST_PAGES)).isEqualTo(pagesNeeded + 4);
        assertFormat();
    }

    @Test
    @DisplayName("gives a partial result when 410 Expired comes back more often than the restarts allow")
    void expiredBeyondBound() {
        sim.expirePageAlways(3);

        PodCountResult result = count(settings());

        assertLowerBounds(result);
        assertThat(result.restarts()).isEqualTo(3);
        assertThat(result.pages()).isEqualTo(2);
        assertThat(result.pods()).isEqualTo(2L * PAGE);
        assertThat(result.failure()).contains("410");
        assertThat(result.failureCategory()).isEqualTo("gone");
        assertThat(sim.requestCounts().get(RequestKind.POD_LIST_SEQUENCES)).isEqualTo(4);
        assertFormat();
    }

    @Test
    @DisplayName("waits for Retry-After on 429, then asks for the same page again and counts exactly")
    void throttledHonoursRetryAfter() {
        sim.throttlePageOnce(2, Duration.ofSeconds(1));

        PodCountResult result = count(settings());

        assertExact(result);
        assertThat(result.elapsed()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(sim.requestCounts().get(RequestKind.POD_LIST_PAGES)).isEqualTo(pagesNeeded + 1);
        assertThat(sim.requestCounts().get(RequestKind.POD_LIST_SEQUENCES)).isEqualTo(1);
        assertFormat();
    }

    @Test
    @DisplayName("caps a long Retry-After at maxRetryAfter")
    void retryAfterCapped() {
        sim.throttlePageOnce(2, Duration.ofSeconds(60));
        PodCounterSettings capped = new PodCounterSettings(PAGE, Duration.ofSeconds(10), 500, Duration.ofSeconds(30), 3,
                Duration.ofMillis(200));

        PodCountResult result = count(capped);

        assertExact(result);
        assertThat(result.elapsed()).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    @DisplayName("gives up at once when Retry-After reaches past the deadline")
    void retryAfterBeyondDeadline() {
        sim.throttlePageOnce(2, Duration.ofSeconds(20));
        PodCounterSettings tight = new PodCounterSettings(PAGE, Duration.ofSeconds(10), 500, Duration.ofSeconds(3), 3,
                Duration.ofSeconds(30));

        PodCountResult result = count(tight);

        assertLowerBounds(result);
        assertThat(result.pages()).isEqualTo(1);
        assertThat(result.failure()).contains("429");
        assertThat(result.failureCategory()).isEqualTo("too-many-requests");
        assertThat(result.elapsed()).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    @DisplayName("ends with a partial result, flagged as such, when a page fails with 500")
    void failingPage() {
        sim.failPage(3, 500);

        PodCountResult result = count(settings());

        assertLowerBounds(result);
        assertThat(result.pages()).isEqualTo(2);
        assertThat(result.pods()).isEqualTo(2L * PAGE);
        assertThat(result.restarts()).isZero();
        assertThat(result.failure()).contains("page 3").contains("500");
        assertThat(result.failureCategory()).isEqualTo("unavailable");
        assertThat(sim.requestCounts().get(RequestKind.POD_LIST_PAGES)).as("no retry of a failed page").isEqualTo(3);
        assertFormat();
    }

    @Test
    @DisplayName("ends with a partial result when a page does not answer within the page timeout")
    void stalledPage() {
        sim.stallPage(2);
        PodCounterSettings shortPages = new PodCounterSettings(PAGE, Duration.ofMillis(500), 500, Duration.ofSeconds(30),
                3, Duration.ofSeconds(5));

        PodCountResult result = count(shortPages);

        assertLowerBounds(result);
        assertThat(result.pages()).isEqualTo(1);
        assertThat(result.pods()).isEqualTo(PAGE);
        assertThat(result.failure()).contains("page 2").contains("500 ms");
        assertThat(result.failureCategory()).isEqualTo("timeout");
        assertThat(result.elapsed()).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    @DisplayName("ends with a partial result at the page cap")
    void pageCap() {
        PodCounterSettings capped = new PodCounterSettings(PAGE, Duration.ofSeconds(10), 3, Duration.ofSeconds(30), 3,
                Duration.ofSeconds(5));

        PodCountResult result = count(capped);

        assertLowerBounds(result);
        assertThat(result.pages()).isEqualTo(3);
        assertThat(result.failure()).contains("page cap");
        assertThat(result.failureCategory()).isEqualTo("page-cap");
        assertThat(sim.requestCounts().get(RequestKind.POD_LIST_PAGES)).isEqualTo(3);
    }

    @Test
    @DisplayName("ends with a partial result at the deadline")
    void deadline() {
        sim.pageLatency(Duration.ofMillis(300));
        PodCounterSettings oneSecond = new PodCounterSettings(PAGE, Duration.ofSeconds(10), 500, Duration.ofSeconds(1), 3,
                Duration.ofSeconds(5));

        PodCountResult result = count(oneSecond);

        assertLowerBounds(result);
        assertThat(result.pages()).isBetween(1, 3);
        assertThat(result.failure()).contains("deadline");
        assertThat(result.failureCategory()).isEqualTo("timeout");
        assertThat(result.elapsed()).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    @DisplayName("gives a partial result without pages or counts when the API server is down")
    void serverDown() {
        sim.stop();

        PodCountResult result = count(settings());

        assertThat(result.complete()).isFalse();
        assertThat(result.pages()).isZero();
        assertThat(result.pods()).isZero();
        assertThat(result.countsByNode()).isEmpty();
        assertThat(result.failure()).startsWith("page 1 failed").doesNotContain(SimulatedCluster.TOKEN);
        assertThat(result.failureCategory()).isEqualTo("unreachable");
    }

    @Test
    @DisplayName("gives a partial result without pages when the API server answers 503")
    void serverUnavailable() {
        sim.unavailable(true);

        PodCountResult result = count(settings());

        assertThat(result.complete()).isFalse();
        assertThat(result.pages()).isZero();
        assertThat(result.countsByNode()).isEmpty();
        assertThat(result.failure()).contains("503");
        assertThat(result.failureCategory()).isEqualTo("unavailable");
    }

    @Test
    @DisplayName("follows pod changes between counts")
    void followsChanges() {
        String node = sim.nodeNames().get(10);
        sim.addPods(node, 7);
        try {
            PodCountResult result = count(settings());
            assertThat(result.countsByNode()).isEqualTo(sim.activePodsByNode());
        } finally {
            sim.removePods(node, 7);
        }
    }
}
