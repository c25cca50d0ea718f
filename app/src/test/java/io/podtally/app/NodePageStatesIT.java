package io.podtally.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podtally.cache.redis.RedisServer;
import io.podtally.k8s.sim.SimulatedCluster;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import tools.jackson.databind.JsonNode;

@DisplayName("the node page's stale, expired, partial and unavailable pod counts in headless Chromium, against one "
        + "replica with short freshness limits on simulated clusters with failing pod list pages")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NodePageStatesIT {

    private static final String AGING = "aging";
    private static final String PARTIAL = "partial";
    private static final String TOKEN = "states-admin-token";
    /** Pods per page of the list: the partial cluster's pods take six pages, the third of which fails. */
    private static final int PAGE_SIZE = 40;
    private static final int FAILING_PAGE = 3;

    private static RedisServer redis;
    private static SimulatedCluster aging;
    private static SimulatedCluster partial;
    private static Replica replica;
    private static HeadlessChromium chromium;
    private static ChromeDriver driver;
    private static NodePage page;
    private static String base;

    @BeforeAll
    static void start() throws IOException {
        assertThat(HeadlessChromium.installed())
                .as("the browser tests need %s and %s (Debian: chromium chromium-driver)",
                        HeadlessChromium.CHROMIUM, HeadlessChromium.CHROMEDRIVER)
                .isTrue();
        redis = RedisServer.start();
        aging = SimulatedCluster.builder().nodes(6).activePods(60).seed(31).start();
        partial = SimulatedCluster.builder().nodes(12).activePods(240).seed(32).start();
        partial.failPage(FAILING_PAGE, 500);
        Path kubeconfig = Files.createTempFile("podtally-page-states", ".yaml");
        Files.writeString(kubeconfig, SimulatedCluster.kubeconfigYaml(Map.of(AGING, aging, PARTIAL, partial)));
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("podtally.clusters.kubeconfig", kubeconfig.toString());
        properties.put("podtally.demo.enabled", "false");
        properties.put("podtally.store", "redis");
        properties.put("spring.data.redis.host", "127.0.0.1");
        properties.put("spring.data.redis.port", Integer.toString(redis.port()));
        properties.put("podtally.admin.token", TOKEN);
        properties.put("podtally.podcounts.warm-up", "false");
        properties.put("podtally.podcounts.page-size", Integer.toString(PAGE_SIZE));
        properties.put("podtally.podcounts.fresh-for", "4s");
        properties.put("podtally.podcounts.stale-for", "10s");
        properties.put("podtally.podcounts.refresh-deadline", "3s");
        properties.put("podtally.podcounts.backoff-initial", "2m");
        replica = Replica.start(properties);
        base = "http://127.0.0.1:" + SseClient.portOf(replica) + "/";
        for (String cluster : List.of(AGING, PARTIAL)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> "synced".equals(replica.informerState(cluster)));
        }
        chromium = HeadlessChromium.start();
        driver = chromium.driver();
        page = new NodePage(driver);
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (replica != null) {
            replica.close();
        }
        for (SimulatedCluster sim : new SimulatedCluster[] {aging, partial}) {
            if (sim != null) {
                sim.close();
            }
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    @Order(1)
    @DisplayName("counts whose refresh fails turn stale, then expired, in place: the badge, its tooltip with the "
            + "failed refresh, the age, and the last known counts in every row")
    void staleThenExpired() {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "fresh".equals(nodes(AGING).at("/pod_counts/state").asString()));
        aging.failPage(1, 500);
        driver.get(base + "?cluster=" + AGING);
        page.within(Duration.ofSeconds(10)).until(d -> page.rows().size() == 6 && page.counted());

        page.within(Duration.ofSeconds(15)).until(d -> "stale".equals(page.state())
                && page.badge().getDomAttribute("title").contains("Last refresh failed"));
        JsonNode stale = nodes(AGING);
        assertThat(stale.at("/pod_counts/state").asString()).isEqualTo("stale");
        assertThat(page.badge().getText()).isEqualTo("stale");
        assertThat(page.badge().getDomAttribute("title")).isEqualTo(
                "Older than the fresh limit: served while one background refresh runs." + failureNote(stale));
        assertThat(page.text("age")).matches("counted \\d+ s ago");
        assertThat(page.text("sources")).contains("last refresh: " + stale.at("/pod_counts/last_failure/category")
                .asString());
        assertThat(podCellsByNode()).isEqualTo(expectedPodCells(stale));

        page.within(Duration.ofSeconds(15)).until(d -> "expired".equals(page.state()));
        JsonNode expired = nodes(AGING);
        assertThat(page.badge().getText()).isEqualTo("expired");
        assertThat(page.badge().getDomAttribute("title")).isEqualTo("Older than the stale limit: the last known counts "
                + "are shown while a refresh runs." + failureNote(expired));
        assertThat(page.switcherBadge(AGING).getText()).isEqualTo("expired");
        assertThat(page.switcherBadge(AGING).getDomAttribute("title")).startsWith("Older than the stale limit");
        assertThat(page.text("announce")).isEqualTo("Pod counts of " + AGING + ": expired");
        assertThat(podCellsByNode()).isEqualTo(expectedPodCells(expired))
                .allSatisfy((node, text) -> assertThat(text).startsWith(aging.activePodsByNode().getOrDefault(node, 0)
                        + " / "));
    }

    @Test
    @Order(2)
    @DisplayName("a count that lost a page is partial: its counts read ≥ n, the badge's tooltip says they are lower "
            + "bounds; a full count drops the ≥ in place")
    void partialShowsLowerBounds() {
        driver.get(base + "?cluster=" + PARTIAL);

        page.within(Duration.ofSeconds(40)).until(d -> "partial".equals(page.state()));
        JsonNode answer = nodes(PARTIAL);
        assertThat(answer.at("/pod_counts/complete").asBoolean()).isFalse();
        Map<String, String> expected = expectedPodCells(answer);
        assertThat(expected.values()).anyMatch(text -> text.startsWith("≥ "));
        page.within(Duration.ofSeconds(10)).until(d -> podCellsByNode().equals(expected));
        assertThat(page.badge().getText()).isEqualTo("partial");
        assertThat(page.badge().getDomAttribute("title")).isEqualTo("The last count did not reach every node: counts "
                + "are lower bounds (≥ n) until a full count." + failureNote(answer));

        partial.clearFaults();
        HttpResponse<String> refresh = replica.api().post(
                "/api/v1/admin/clusters/" + PARTIAL + "/pod-counts/refresh", "Authorization", "Bearer " + TOKEN);
        assertThat(refresh.statusCode()).isEqualTo(202);

        page.within(Duration.ofSeconds(20)).until(d -> "fresh".equals(page.state()));
        page.within(Duration.ofSeconds(10)).until(d -> page.podCells().stream().noneMatch(text -> text.contains("≥")));
        assertThat(podCellsByNode()).isEqualTo(expectedPodCells(nodes(PARTIAL)))
                .allSatisfy((node, text) -> assertThat(text).startsWith(partial.activePodsByNode()
                        .getOrDefault(node, 0) + " / "));
    }

    @Test
    @Order(3)
    @DisplayName("with Redis stopped the badge says unavailable and explains it; the rows keep the counts last read, "
            + "and counts never read show unknown, not counting…; counts come back with Redis")
    void unavailableWhileRedisIsDown() {
        driver.get(base + "?cluster=" + AGING);
        redis.cli("DEL", "podtally:{" + AGING + "}:podcounts");
        page.within(Duration.ofSeconds(10)).until(d -> "loading".equals(page.state())
                && page.podCells().stream().allMatch(text -> text.equals("counting…")));
        driver.get(base + "?cluster=" + PARTIAL);
        page.within(Duration.ofSeconds(20)).until(d -> "fresh".equals(page.state()) && page.rows().size() == 12
                && page.counted());
        Map<String, String> lastRead = podCellsByNode();

        redis.stop();
        try {
            page.within(Duration.ofSeconds(20)).until(d -> "unavailable".equals(page.state()));
            JsonNode answer = nodes(PARTIAL);
            assertThat(answer.at("/pod_counts/state").asString()).isEqualTo("unavailable");
            assertThat(page.badge().getText()).isEqualTo("unavailable");
            assertThat(page.badge().getDomAttribute("title")).startsWith(
                    "The pod-count store cannot be reached: counts may be missing or old.");
            assertThat(page.text("announce")).isEqualTo("Pod counts of " + PARTIAL + ": unavailable");
            assertThat(podCellsByNode()).isEqualTo(expectedPodCells(answer)).isEqualTo(lastRead);

            page.within(Duration.ofSeconds(15)).until(d -> "unavailable".equals(
                    page.switcherBadge(AGING).getDomAttribute("data-state")));
            driver.findElement(By.cssSelector("#clusters button[data-cluster='" + AGING + "']")).click();
            page.within(Duration.ofSeconds(10)).until(d -> "unavailable".equals(page.state())
                    && page.rows().size() == 6);
            assertThat(podCellsByNode()).isEqualTo(expectedPodCells(nodes(AGING)))
                    .allSatisfy((node, text) -> assertThat(text).isEqualTo("unknown"));
        } finally {
            redis.restart();
        }

        driver.get(base + "?cluster=" + PARTIAL);
        page.within(Duration.ofSeconds(40)).until(d -> "fresh".equals(page.state()) && page.counted());
        assertThat(podCellsByNode()).isEqualTo(expectedPodCells(nodes(PARTIAL)));
    }

    private static JsonNode nodes(String cluster) {
        return replica.api().json("/api/v1/nodes?cluster_name=" + cluster);
    }

    /** What the tooltip adds about the last failed or partial refresh the answer reports. */
    private static String failureNote(JsonNode answer) {
        JsonNode failure = answer.at("/pod_counts/last_failure");
        assertThat(failure.isObject()).as("a last failure in %s", answer.get("pod_counts")).isTrue();
        return " Last refresh failed (" + failure.get("category").asString() + ") at " + failure.get("at").asString()
                + ".";
    }

    /**
     * The pod cell each node of the answer should show: "counting…" when unknown ("unknown" while the store cannot be
     * reached), "≥ n" when partial.
     */
    private static Map<String, String> expectedPodCells(JsonNode answer) {
        String state = answer.at("/pod_counts/state").asString();
        String prefix = "partial".equals(state) ? "≥ " : "";
        String unknown = "unavailable".equals(state) ? "unknown" : "counting…";
        Map<String, String> cells = new LinkedHashMap<>();
        answer.get("data").forEach(node -> cells.put(node.get("name").asString(), node.get("pod_count").isNull()
                ? unknown
                : prefix + node.get("pod_count").asInt() + " / " + node.at("/allocatable/pods").asString()));
        return cells;
    }

    private static Map<String, String> podCellsByNode() {
        List<String> names = page.names();
        List<String> cells = page.podCells();
        Map<String, String> byNode = new LinkedHashMap<>();
        for (int i = 0; i < names.size() && i < cells.size(); i++) {
            byNode.put(names.get(i), cells.get(i));
        }
        return byNode;
    }
}
