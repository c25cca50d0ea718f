package io.podtally.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podtally.cache.redis.RedisServer;
import io.podtally.k8s.sim.SimulatedCluster;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
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
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.springframework.context.Lifecycle;
import tools.jackson.databind.JsonNode;

@DisplayName("the node page in headless Chromium, against one replica on two simulated clusters and a redis-server")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NodePageIT {

    private static final String BUSY = "busy";
    private static final String SMALL = "small";
    private static final String LARGE = "large";
    private static final String TOKEN = "page-admin-token";
    /** A kubeconfig context whose name cannot be a cluster name. */
    private static final String REJECTED = "my cluster";
    /** Set to a path to save a screenshot of the page there. */
    private static final String SCREENSHOT = "podtally.screenshot";

    private static RedisServer redis;
    private static SimulatedCluster busy;
    private static SimulatedCluster small;
    private static final Map<String, String> properties = new LinkedHashMap<>();
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
        Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        busy = SimulatedCluster.builder().nodes(150).activePods(3000).seed(21).pageLatency(Duration.ofMillis(400))
                .clock(clock).start();
        small = SimulatedCluster.builder().nodes(8).activePods(120).seed(22).clock(clock).start();
        busy.setNodeReady(busy.nodeNames().get(10), false);
        busy.setNodeReady(busy.nodeNames().get(20), false);
        busy.cordonNode(busy.nodeNames().get(30), true);
        Map<String, SimulatedCluster> clusters = new LinkedHashMap<>();
        clusters.put(BUSY, busy);
        clusters.put(SMALL, small);
        clusters.put(REJECTED, small);
        Path kubeconfig = Files.createTempFile("podtally-page", ".yaml");
        Files.writeString(kubeconfig, SimulatedCluster.kubeconfigYaml(clusters));
        properties.putAll(Map.of(
                "podtally.clusters.kubeconfig", kubeconfig.toString(),
                "podtally.demo.enabled", "false",
                "podtally.store", "redis",
                "spring.data.redis.host", "127.0.0.1",
                "spring.data.redis.port", Integer.toString(redis.port()),
                "podtally.admin.token", TOKEN,
                "podtally.podcounts.warm-up", "false",
                "podtally.podcounts.page-size", "500",
                "podtally.clusters.metrics-refresh-interval", "2s"));
        replica = Replica.start(properties);
        base = baseOf(replica);
        awaitSynced(replica);
        chromium = HeadlessChromium.start();
        driver = chromium.driver();
        page = new NodePage(driver);
    }

    private static String baseOf(Replica served) {
        return "http://127.0.0.1:" + SseClient.portOf(served) + "/";
    }

    private static void awaitSynced(Replica served) {
        for (String cluster : List.of(BUSY, SMALL)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> "synced".equals(served.informerState(cluster)));
        }
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (replica != null) {
            replica.close();
        }
        for (SimulatedCluster sim : new SimulatedCluster[] {busy, small}) {
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
    @DisplayName("the table fills with a page of nodes at once; the badge says loading, pods say counting…, then fresh")
    void tableFillsLoadingThenFresh() {
        driver.get(base + "?cluster=" + BUSY);

        page.within(Duration.ofSeconds(10)).until(d -> page.rows().size() == 100);
        page.within(Duration.ofSeconds(5)).until(d -> "loading".equals(page.state()));
        assertThat(page.podCells()).allSatisfy(text -> assertThat(text).isEqualTo("counting…"));
        assertThat(page.badge().getDomAttribute("title")).contains("never 0");

        page.within(Duration.ofSeconds(40)).until(d -> "fresh".equals(page.state()));
        page.within(Duration.ofSeconds(10)).until(d -> page.counted());
        assertThat(page.text("age")).startsWith("counted ");
        assertThat(page.text("live")).isEqualTo("live");
        assertThat(page.text("totals")).isEqualTo("1–100 of 150 nodes");
        assertThat(page.rowOf(busy.nodeNames().get(10)).getDomAttribute("class")).contains("notready");
        assertThat(page.rowOf(busy.nodeNames().get(30)).getDomAttribute("class")).contains("cordoned");
    }

    @Test
    @Order(2)
    @DisplayName("the cluster switcher shows each cluster's node count and state, and the URL follows the choice")
    void clusterSwitcher() {
        driver.get(base + "?cluster=" + BUSY);
        WebElement toSmall = page.within(Duration.ofSeconds(10)).until(ExpectedConditions.elementToBeClickable(
                By.cssSelector("#clusters button[data-cluster='" + SMALL + "']")));
        assertThat(toSmall.getText()).contains("8 nodes");
        assertThat(driver.findElement(By.cssSelector("#clusters button[data-cluster='" + BUSY + "']")).getText())
                .contains("150 nodes").contains("fresh");

        toSmall.click();

        page.within(Duration.ofSeconds(10)).until(d -> page.rows().size() == 8);
        assertThat(driver.getCurrentUrl()).contains("cluster=" + SMALL);
        assertThat(toSmall.getDomAttribute("aria-current")).isEqualTo("true");
        assertThat(driver.findElement(By.cssSelector("#clusters button[data-cluster='" + BUSY + "']"))
                .getDomAttribute("aria-current")).isNull();
    }

    @Test
    @Order(2)
    @DisplayName("kubeconfig contexts rejected for their names are shown to the operator with the reason")
    void rejectedContextsNotice() {
        driver.get(base + "?cluster=" + SMALL);

        WebElement notice = page.within(Duration.ofSeconds(15)).until(ExpectedConditions.visibilityOfElementLocated(
                By.id("rejected")));
        assertThat(notice.findElement(By.tagName("summary")).getText()).isEqualTo("1 kubeconfig context not served");
        notice.findElement(By.tagName("summary")).click();
        WebElement entry = page.within(Duration.ofSeconds(5)).until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#rejected li[data-name='" + REJECTED + "']")));
        assertThat(entry.getText()).startsWith(REJECTED + ": ").contains("may contain only letters, digits");
        assertThat(notice.findElements(By.tagName("li"))).hasSize(1);
        assertThat(driver.findElements(By.cssSelector("#clusters button[data-cluster='" + REJECTED + "']"))).isEmpty();
    }

    @Test
    @Order(3)
    @DisplayName("sorting by pods puts the busiest node first, as the API's own order")
    void sortByPods() {
        openFresh("");

        page.header("pods").click();

        String busiest = apiNames("sort_by=pod_count&order=desc&page=1&page_size=1").get(0);
        page.within(Duration.ofSeconds(10)).until(d -> page.names().get(0).equals(busiest));
        int most = busy.activePodsByNode().values().stream().max(Integer::compare).orElseThrow();
        assertThat(busy.activePodsByNode().get(busiest)).isEqualTo(most);
        assertThat(page.sortOf("pods")).isEqualTo("descending");
        assertThat(driver.getCurrentUrl()).contains("sort=pods").contains("order=desc");
    }

    @Test
    @Order(3)
    @DisplayName("the keyboard sorts too: Enter on a column header sorts by it, Space turns the order round")
    void keyboardSorting() {
        openFresh("");

        page.header("age").sendKeys(Keys.ENTER);

        page.within(Duration.ofSeconds(10)).until(d -> "ascending".equals(page.sortOf("age")));
        page.within(Duration.ofSeconds(10)).until(d -> page.names().equals(
                apiNames("sort_by=created_at&order=desc&page=1&page_size=100")));
        assertThat(driver.switchTo().activeElement()).isEqualTo(page.header("age"));

        page.header("age").sendKeys(Keys.SPACE);

        page.within(Duration.ofSeconds(10)).until(d -> "descending".equals(page.sortOf("age")));
        page.within(Duration.ofSeconds(10)).until(d -> page.names().equals(
                apiNames("sort_by=created_at&order=asc&page=1&page_size=100")));
        assertThat(page.sortOf("name")).isNull();
        assertThat(driver.getCurrentUrl()).contains("sort=age").contains("order=desc");
    }

    @Test
    @Order(3)
    @DisplayName("sorting by status, roles, CPU and memory shows each in the API's order, and the cells read sorted")
    void sortByStatusRolesCpuAndMemory() {
        openFresh("");

        sortAs("status", "ascending", "sort_by=status&order=asc");
        List<String> statuses = page.column("status");
        assertThat(statuses.subList(0, 2)).allSatisfy(text -> assertThat(text).startsWith("Not ready"));
        assertThat(statuses.subList(2, statuses.size())).allSatisfy(text -> assertThat(text).startsWith("Ready"));

        sortAs("roles", "ascending", "sort_by=roles&order=asc");
        assertThat(page.column("roles")).isSorted().contains("control-plane");

        sortAs("cpu", "descending", "sort_by=cpu&order=desc");
        assertThat(used(page.column("cpu"))).hasSize(100).isSortedAccordingTo(Comparator.reverseOrder());

        sortAs("memory", "descending", "sort_by=memory&order=desc");
        assertThat(used(page.column("memory"))).hasSize(100).isSortedAccordingTo(Comparator.reverseOrder());

        sortAs("memory", "ascending", "sort_by=memory&order=asc");
        assertThat(used(page.column("memory"))).hasSize(100).isSorted();
        assertThat(page.sortOf("cpu")).isNull();
        assertThat(driver.getCurrentUrl()).contains("sort=memory").doesNotContain("order=");
    }

    /** Clicks {@code column}'s header and waits for it to be sorted {@code ariaSort}, the rows in the API's order. */
    private static void sortAs(String column, String ariaSort, String apiQuery) {
        page.header(column).click();

        page.within(Duration.ofSeconds(10)).until(d -> ariaSort.equals(page.sortOf(column)));
        page.within(Duration.ofSeconds(10)).until(d -> page.names().equals(
                apiNames(apiQuery + "&page=1&page_size=100")));
        assertThat(driver.getCurrentUrl()).contains("sort=" + column);
    }

    /** The used amounts of CPU or memory cells ("used / allocatable"), as the page shows them. */
    private static List<Double> used(List<String> cells) {
        return cells.stream().map(text -> Double.parseDouble(text.substring(0, text.indexOf(" / ")))).toList();
    }

    @Test
    @Order(4)
    @DisplayName("status and role filters show exactly the nodes the API answers, and survive a reload")
    void statusAndRoleFilters() {
        openFresh("");

        new Select(driver.findElement(By.id("f-status"))).selectByValue("notready");
        page.within(Duration.ofSeconds(10)).until(d -> page.names().equals(apiNames("status=notready")));
        assertThat(page.names()).hasSize(2);
        driver.navigate().refresh();
        page.within(Duration.ofSeconds(10)).until(d -> page.names().equals(apiNames("status=notready")));
        assertThat(new Select(driver.findElement(By.id("f-status"))).getFirstSelectedOption().getText())
                .isEqualTo("not ready");

        new Select(driver.findElement(By.id("f-status"))).selectByValue("");
        driver.findElement(By.id("f-role")).sendKeys("control-plane");
        page.within(Duration.ofSeconds(10)).until(d -> page.names().equals(apiNames("role=control-plane")));
        assertThat(page.names()).hasSize(3);
        assertThat(driver.getCurrentUrl()).contains("role=control-plane").doesNotContain("status=");
    }

    @Test
    @Order(4)
    @DisplayName("name, label (key=value) and taint (key:effect) filters show exactly the nodes the API answers")
    void nameLabelAndTaintFilters() {
        openFresh("");

        driver.findElement(By.id("f-name")).sendKeys("NODE-012");
        page.within(Duration.ofSeconds(10)).until(d -> page.names().equals(apiNames("name=node-012")));
        assertThat(page.names()).hasSize(10).allSatisfy(name -> assertThat(name).startsWith("node-012"));
        assertThat(driver.getCurrentUrl()).contains("name=NODE-012");

        driver.findElement(By.id("clear")).click();
        driver.findElement(By.id("f-label")).sendKeys("node.podtally.io/pool=pool-2");
        page.within(Duration.ofSeconds(10)).until(d -> page.names().equals(
                apiNames("label_key=node.podtally.io/pool&label_value=pool-2")));
        assertThat(page.names()).isNotEmpty().hasSizeLessThan(147);

        driver.findElement(By.id("clear")).click();
        driver.findElement(By.id("f-taint")).sendKeys("node.kubernetes.io/unschedulable:NoSchedule");
        page.within(Duration.ofSeconds(10)).until(d -> page.names().equals(List.of(busy.nodeNames().get(30))));
        assertThat(page.names())
                .isEqualTo(apiNames("taint_key=node.kubernetes.io/unschedulable&taint_effect=NoSchedule"));
        assertThat(driver.getCurrentUrl()).contains("taint=").doesNotContain("label=").doesNotContain("name=");
    }

    @Test
    @Order(5)
    @DisplayName("paging through the cluster: page controls and totals, each page the API's page")
    void paging() {
        openFresh("&page_size=50");
        assertThat(page.text("page-info")).isEqualTo("Page 1 of 3");

        driver.findElement(By.id("next")).click();
        page.within(Duration.ofSeconds(10)).until(d -> page.text("page-info").equals("Page 2 of 3"));
        assertThat(page.names()).isEqualTo(apiNames("page=2&page_size=50"));
        assertThat(page.text("totals")).isEqualTo("51–100 of 150 nodes");

        driver.findElement(By.id("last")).click();
        page.within(Duration.ofSeconds(10)).until(d -> page.text("page-info").equals("Page 3 of 3"));
        assertThat(page.names()).isEqualTo(apiNames("page=3&page_size=50"));
        assertThat(driver.findElement(By.id("next")).isEnabled()).isFalse();
        assertThat(driver.getCurrentUrl()).contains("page=3").contains("page_size=50");
    }

    @Test
    @Order(6)
    @DisplayName("an admin refresh after a pod change updates the row in place, highlighted, without a reload")
    void adminRefreshUpdatesInPlace() {
        openFresh("");
        ((JavascriptExecutor) driver).executeScript("sessionStorage.clear(); window.notReloaded = true;");
        String node = page.names().get(5);
        WebElement row = page.rowOf(node);
        int before = busy.activePodsByNode().getOrDefault(node, 0);
        busy.addPods(node, 7);

        driver.findElement(By.id("refresh")).click();
        WebElement input = page.within(Duration.ofSeconds(5)).until(ExpectedConditions.visibilityOfElementLocated(
                By.id("token-input")));
        input.sendKeys(TOKEN, Keys.ENTER);

        page.within(Duration.ofSeconds(10)).until(d -> page.text("admin-result").startsWith("202"));
        WebElement pods = row.findElement(By.cssSelector("td[data-col='pods']"));
        page.within(Duration.ofSeconds(30)).until(d -> pods.getText().startsWith((before + 7) + " / "));
        assertThat(pods.getDomAttribute("class")).contains("changed");
        assertThat(((JavascriptExecutor) driver).executeScript("return window.notReloaded")).isEqualTo(true);
        assertThat(row.getDomAttribute("data-node")).isEqualTo(node);
    }

    @Test
    @Order(7)
    @DisplayName("the refresh button with a wrong token shows 403 and asks again next time")
    void wrongTokenShows403() {
        openFresh("");
        ((JavascriptExecutor) driver).executeScript("sessionStorage.clear();");

        driver.findElement(By.id("refresh")).click();
        page.within(Duration.ofSeconds(5)).until(ExpectedConditions.visibilityOfElementLocated(By.id("token-input")))
                .sendKeys("not-the-token", Keys.ENTER);

        page.within(Duration.ofSeconds(10)).until(d -> page.text("admin-result").startsWith("403"));
        assertThat(((JavascriptExecutor) driver).executeScript(
                "return sessionStorage.getItem('podtally.adminToken')")).isNull();
    }

    @Test
    @Order(8)
    @DisplayName("an invalidation in Redis turns every count into counting…, never 0, until the new count")
    void invalidationShowsCounting() {
        openFresh("");
        ((JavascriptExecutor) driver).executeScript("""
                window.podTexts = [];
                new MutationObserver(() => document.querySelectorAll("#rows td[data-col='pods']")
                        .forEach(td => window.podTexts.push(td.parentElement.dataset.node + "=" + td.textContent)))
                    .observe(document.getElementById("rows"), {subtree: true, childList: true, characterData: true});
                """);

        redis.cli("DEL", "podtally:{" + BUSY + "}:podcounts");

        page.within(Duration.ofSeconds(10))
                .until(d -> page.podCells().stream().allMatch(text -> text.equals("counting…")));
        assertThat(page.state()).isEqualTo("loading");
        page.within(Duration.ofSeconds(40)).until(d -> "fresh".equals(page.state())
                && page.counted());
        @SuppressWarnings("unchecked")
        List<String> seen = (List<String>) ((JavascriptExecutor) driver).executeScript("return window.podTexts");
        List<String> withPods = busy.activePodsByNode().entrySet().stream().filter(e -> e.getValue() > 0)
                .map(Map.Entry::getKey).toList();
        assertThat(seen).anyMatch(text -> text.endsWith("=counting…"));
        assertThat(seen).filteredOn(text -> withPods.contains(text.substring(0, text.indexOf('='))))
                .isNotEmpty()
                .noneMatch(text -> text.contains("=0 ") || text.endsWith("=0"));
    }

    @Test
    @Order(9)
    @DisplayName("clicking a node shows its labels, taints, conditions, addresses and resources; Escape closes it")
    void nodeDetail() {
        openFresh("");
        String node = busy.nodeNames().get(0);
        page.rowOf(node).findElement(By.cssSelector("button.node")).click();

        WebElement detail = page.within(Duration.ofSeconds(10)).until(ExpectedConditions.visibilityOfElementLocated(
                By.id("detail")));
        page.within(Duration.ofSeconds(10)).until(d -> detail.getDomProperty("textContent").contains("Labels"));
        assertThat(detail.getDomProperty("textContent")).contains(node, "Conditions", "Ready", "Taints", "node-role.kubernetes.io/control-plane",
                "Internal IP", "Allocatable", "kubernetes.io/hostname");

        driver.findElement(By.tagName("body")).sendKeys(Keys.ESCAPE);
        page.within(Duration.ofSeconds(5)).until(ExpectedConditions.invisibilityOf(detail));
    }

    @Test
    @Order(9)
    @DisplayName("everything the page loads comes from the replica itself: no CDN, no other origin")
    void noOtherOrigin() {
        openFresh("");
        page.rowOf(busy.nodeNames().get(1)).findElement(By.cssSelector("button.node")).click();
        page.within(Duration.ofSeconds(10)).until(ExpectedConditions.visibilityOfElementLocated(By.id("detail")));

        @SuppressWarnings("unchecked")
        List<String> loaded = (List<String>) ((JavascriptExecutor) driver).executeScript("""
                return [...performance.getEntriesByType("resource").map(e => e.name),
                        ...[...document.querySelectorAll("[src], link[href]")].map(e => e.src || e.href)]""");
        assertThat(loaded).isNotEmpty()
                .anyMatch(url -> url.endsWith("/app.js"))
                .anyMatch(url -> url.contains("/api/v1/nodes?"))
                .allSatisfy(url -> assertThat(url).startsWith(base));
        driver.findElement(By.tagName("body")).sendKeys(Keys.ESCAPE);
    }

    @Test
    @Order(10)
    @DisplayName("the page as an operator sees it (saved as a screenshot when podtally.screenshot names a file)")
    void screenshot() throws IOException {
        openFresh("");
        assertThat(page.rows()).hasSize(100);

        String target = System.getProperty(SCREENSHOT);
        if (target != null && !target.isBlank()) {
            Path file = Path.of(target).toAbsolutePath();
            Files.createDirectories(file.getParent());
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        }
    }

    @Test
    @Order(11)
    @DisplayName("with event streams off on the replica the page says it polls, and a pod change counted by an admin "
            + "refresh reaches the table in place without a reload")
    void pollsWithoutEventStreams() {
        Map<String, String> withoutStreams = new LinkedHashMap<>(properties);
        withoutStreams.put("podtally.api.max-event-streams", "0");
        try (Replica polling = Replica.start(withoutStreams)) {
            awaitSynced(polling);
            assertThat(polling.api().json("/api/v1/features").at("/data/events").asBoolean()).isFalse();
            driver.get(baseOf(polling) + "?cluster=" + SMALL);
            page.within(Duration.ofSeconds(40)).until(d -> "fresh".equals(page.state())
                    && page.rows().size() == 8 && page.counted());
            assertThat(page.text("live")).isEqualTo("polling every 5 s");
            ((JavascriptExecutor) driver).executeScript("window.notReloaded = true;");
            String node = page.names().get(2);
            WebElement pods = page.rowOf(node).findElement(By.cssSelector("td[data-col='pods']"));
            int before = small.activePodsByNode().getOrDefault(node, 0);
            small.addPods(node, 3);

            HttpResponse<String> refresh = replica.api().post(
                    "/api/v1/admin/clusters/" + SMALL + "/pod-counts/refresh", "Authorization", "Bearer " + TOKEN);
            assertThat(refresh.statusCode()).isEqualTo(202);

            page.within(Duration.ofSeconds(30)).until(d -> pods.getText().startsWith((before + 3) + " / "));
            assertThat(((JavascriptExecutor) driver).executeScript("return window.notReloaded")).isEqualTo(true);
            assertThat(page.text("live")).isEqualTo("polling every 5 s");
        }
    }

    @Test
    @Order(12)
    @DisplayName("a lost event stream shows reconnecting, then offline and polling while the replica refuses streams, "
            + "and live again once it takes them")
    void lostStreamShowsOfflineAndRecovers() {
        openFresh("");
        ((JavascriptExecutor) driver).executeScript("""
                window.liveStates = [];
                new MutationObserver(() => window.liveStates.push(document.getElementById("live").dataset.live))
                    .observe(document.getElementById("live"), {attributes: true, attributeFilter: ["data-live"]});
                """);
        Lifecycle streams = replica.bean("eventStreams", Lifecycle.class);

        streams.stop();
        try {
            page.within(Duration.ofSeconds(20)).until(d -> "offline".equals(live().getDomAttribute("data-live")));
            assertThat(page.text("live")).isEqualTo("offline — polling every 5 s");
        } finally {
            streams.start();
        }

        page.within(Duration.ofSeconds(30)).until(d -> "live".equals(live().getDomAttribute("data-live")));
        assertThat(page.text("live")).isEqualTo("live");
        @SuppressWarnings("unchecked")
        List<String> states = (List<String>) ((JavascriptExecutor) driver).executeScript("return window.liveStates");
        assertThat(states).containsSubsequence("reconnecting", "offline", "live");
    }

    @Test
    @Order(13)
    @DisplayName("in watch mode a pod change reaches its row in place, highlighted, without a reload or a refresh; "
            + "the age says live, and a replica without an admin token shows no refresh button")
    void watchModePodChangeInPlace() {
        Map<String, String> watching = new LinkedHashMap<>(properties);
        watching.remove("podtally.admin.token");
        watching.put("podtally.podcounts.mode", "watch");
        watching.put("podtally.podcounts.watch-flush", "200ms");
        try (RedisServer ownRedis = RedisServer.start()) {
            watching.put("spring.data.redis.port", Integer.toString(ownRedis.port()));
            try (Replica watcher = Replica.start(watching)) {
                awaitSynced(watcher);
                driver.get(baseOf(watcher) + "?cluster=" + SMALL);
                page.within(Duration.ofSeconds(40)).until(d -> "fresh".equals(page.state())
                        && "live".equals(page.text("age")) && "live".equals(page.text("live"))
                        && page.rows().size() == 8
                        && page.counted());
                assertThat(driver.findElement(By.id("refresh")).isDisplayed()).isFalse();
                ((JavascriptExecutor) driver).executeScript("window.notReloaded = true;");
                String node = page.names().get(4);
                WebElement row = page.rowOf(node);
                WebElement pods = row.findElement(By.cssSelector("td[data-col='pods']"));
                int before = small.activePodsByNode().getOrDefault(node, 0);

                small.addPods(node, 4);

                page.within(Duration.ofSeconds(20)).until(d -> pods.getText().startsWith((before + 4) + " / "));
                assertThat(pods.getDomAttribute("class")).contains("changed");
                assertThat(((JavascriptExecutor) driver).executeScript("return window.notReloaded")).isEqualTo(true);
                assertThat(row.getDomAttribute("data-node")).isEqualTo(node);
                assertThat(page.text("age")).isEqualTo("live");
            }
        }
    }

    @Test
    @Order(14)
    @DisplayName("the 5,000-node cluster: 50 pages of 100, the last page is the API's, and an update there fetches "
            + "only that page (never the whole list) and changes its row and bar in place, without a scroll jump")
    void largeClusterPagesAndUpdates() throws IOException {
        try (SimulatedCluster large = SimulatedCluster.builder().nodes(5000).activePods(20_000).seed(23).start();
                Replica replica = Replica.start(large, LARGE, redis, Map.of(
                        "podtally.admin.token", TOKEN,
                        "podtally.podcounts.warm-up", "false",
                        "podtally.podcounts.page-size", "500"))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> "synced".equals(replica.informerState(LARGE)));
            driver.get(baseOf(replica) + "?cluster=" + LARGE);
            page.within(Duration.ofSeconds(60)).until(d -> "fresh".equals(page.state())
                    && page.rows().size() == 100 && page.counted());
            assertThat(page.text("totals")).isEqualTo("1–100 of 5,000 nodes");
            assertThat(page.text("page-info")).isEqualTo("Page 1 of 50");

            driver.findElement(By.id("last")).click();

            page.within(Duration.ofSeconds(10)).until(d -> page.text("page-info").equals("Page 50 of 50"));
            JsonNode lastPage = replica.api().json("/api/v1/nodes?cluster_name=" + LARGE + "&page=50&page_size=100");
            List<String> expected = lastPage.get("data").valueStream().map(n -> n.get("name").asString()).toList();
            page.within(Duration.ofSeconds(10)).until(d -> page.names().equals(expected));
            ((JavascriptExecutor) driver).executeScript("performance.clearResourceTimings(); window.notReloaded = true;");
            String node = expected.get(60);
            WebElement row = page.rowOf(node);
            WebElement pods = row.findElement(By.cssSelector("td[data-col='pods']"));
            ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'center'});", row);
            long scrolled = scrollY();
            int before = large.activePodsByNode().getOrDefault(node, 0);
            large.addPods(node, 5);
            HttpResponse<String> refresh = replica.api().post(
                    "/api/v1/admin/clusters/" + LARGE + "/pod-counts/refresh", "Authorization", "Bearer " + TOKEN);
            assertThat(refresh.statusCode()).isEqualTo(202);

            page.within(Duration.ofSeconds(30)).until(d -> pods.getText().startsWith((before + 5) + " / "));
            int allocatable = Integer.parseInt(pods.getText().substring(pods.getText().indexOf('/') + 1).trim());
            assertThat(pods.findElement(By.cssSelector(".bar > span")).getDomAttribute("style"))
                    .contains("width: " + Math.round((before + 5) * 100.0 / allocatable) + "%");
            assertThat(pods.getDomAttribute("class")).contains("changed");
            assertThat(scrollY()).as("no scroll jump").isPositive().isEqualTo(scrolled);
            assertThat(((JavascriptExecutor) driver).executeScript("return window.notReloaded")).isEqualTo(true);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> fetches = (List<Map<String, Object>>) ((JavascriptExecutor) driver)
                    .executeScript("""
                            return performance.getEntriesByType("resource")
                                .filter(e => new URL(e.name).pathname.endsWith("/api/v1/nodes"))
                                .map(e => ({url: e.name, bytes: e.decodedBodySize}))""");
            assertThat(fetches).isNotEmpty().allSatisfy(fetch -> {
                assertThat((String) fetch.get("url")).contains("page=50").contains("page_size=100");
                assertThat(((Number) fetch.get("bytes")).longValue()).isLessThan(256 * 1024);
            });
        }
    }

    private static long scrollY() {
        return ((Number) ((JavascriptExecutor) driver).executeScript("return Math.round(window.scrollY)")).longValue();
    }

    private static WebElement live() {
        return driver.findElement(By.id("live"));
    }

    private static void openFresh(String query) {
        driver.get(base + "?cluster=" + BUSY + query);
        page.within(Duration.ofSeconds(40)).until(d -> "fresh".equals(page.state())
                && !page.rows().isEmpty() && page.counted()
                && "live".equals(page.text("live")));
    }

    /** The node names the API answers for {@code query} on the busy cluster, in its order. */
    private static List<String> apiNames(String query) {
        JsonNode body = replica.api().json("/api/v1/nodes?cluster_name=" + BUSY + "&" + query);
        return body.get("data").valueStream().map(n -> n.get("name").asString()).toList();
    }
}
