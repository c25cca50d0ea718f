package io.podtally.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.podtally.cache.redis.RedisServer;
import io.podtally.k8s.sim.SimulatedCluster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

@DisplayName("HTTP API contract, against a simulated cluster and a real redis-server")
class ApiContractIT {

    private static final String TOKEN = "test-admin-token";
    private static final String KEY = "podtally:{sim}:podcounts";

    @RegisterExtension
    static final PodtallyDeployment deployment = PodtallyDeployment.onRedis()
            .cluster("sim", SimulatedCluster.builder().nodes(12).activePods(400).seed(7)
                    .pageLatency(Duration.ofMillis(250)))
            .unavailableCluster("down", SimulatedCluster.builder().nodes(1).activePods(0))
            .property("podtally.clusters.informer-sync-timeout", "2s")
            .property("podtally.admin.token", TOKEN)
            .property("podtally.podcounts.warm-up", "false")
            .property("podtally.podcounts.page-size", "100")
            .property("podtally.api.sync-wait", "300ms")
            .property("podtally.api.retry-after", "3s");

    private static SimulatedCluster sim;
    private static RedisServer redis;

    MeterRegistry meters;
    ApiClient api;

    @BeforeAll
    static void servers() {
        sim = deployment.cluster("sim");
        redis = deployment.redis();
    }

    @BeforeEach
    void clusterSynced() {
        api = deployment.api();
        meters = deployment.replica().bean(MeterRegistry.class);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> api.get("/api/v1/nodes?cluster_name=sim").statusCode() == 200);
    }

    @Nested
    @DisplayName("GET /api/v1/nodes")
    class Nodes {

        @Test
        @DisplayName("answers the nodes at once with pod_count null while loading, then the simulated cluster's truth")
        void loadingThenTruth() {
            startCold();

            long started = System.nanoTime();
            JsonNode first = api.json("/api/v1/nodes?cluster_name=sim");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));

            assertThat(first.get("code").asInt()).isEqualTo(200);
            assertThat(first.get("message").asString()).isEqualTo("success");
            assertThat(names(first)).containsExactlyElementsOf(sim.nodeNames());
            assertThat(first.at("/pod_counts/state").asString()).isEqualTo("loading");
            assertThat(first.get("data").valueStream().map(n -> n.get("pod_count")))
                    .allSatisfy(count -> assertThat(count.isNull()).isTrue());

            JsonNode loaded = awaitState("/api/v1/nodes?cluster_name=sim", "fresh");
            Map<String, Integer> truth = sim.activePodsByNode();
            for (JsonNode node : loaded.get("data")) {
                assertThat(node.get("pod_count").asInt())
                        .as(node.get("name").asString())
                        .isEqualTo(truth.getOrDefault(node.get("name").asString(), 0));
            }
            assertThat(loaded.at("/pod_counts/complete").asBoolean()).isTrue();
            assertThat(loaded.at("/pod_counts/source").asString()).isEqualTo("paginated");
            assertThat(loaded.at("/pod_counts/fetched_at").asString()).isNotEmpty();
            assertThat(loaded.at("/pod_counts/age_seconds").isNumber()).isTrue();
            assertThat(loaded.has("total")).isFalse();
        }

        @Test
        @DisplayName("serves every NodeInfo field in snake_case")
        void nodeInfoFields() {
            JsonNode node = api.json("/api/v1/nodes?cluster_name=sim").get("data").get(0);

            assertThat(node.propertyNames()).containsExactly("name", "status", "schedulable", "roles", "age",
                    "version", "internal_ip", "external_ip", "os_image", "kernel_version", "container_runtime",
                    "capacity", "allocatable", "usage", "pod_count", "labels", "taints", "conditions", "created_at");
            assertThat(node.get("capacity").propertyNames()).containsExactly("cpu", "memory", "pods");
            assertThat(node.get("status").asString()).isIn("Ready", "NotReady");
            assertThat(node.get("created_at").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
            await().atMost(Duration.ofSeconds(10)).until(() -> !api.json("/api/v1/nodes?cluster_name=sim")
                    .get("data").get(0).get("usage").isNull());
            JsonNode usage = api.json("/api/v1/nodes?cluster_name=sim").get("data").get(0).get("usage");
            assertThat(usage.propertyNames()).containsExactly("cpu", "memory");
        }

        @Test
        @DisplayName("filters by role, label and taint")
        void filters() {
            List<String> controlPlanes = sim.nodeNames().stream().filter(n -> n.startsWith("control-plane")).toList();
            assertThat(controlPlanes).isNotEmpty();

            assertThat(names(api.json("/api/v1/nodes?cluster_name=sim&role=control-plane")))
                    .containsExactlyElementsOf(controlPlanes);
            assertThat(names(api.json("/api/v1/nodes?cluster_name=sim&label_key=node-role.kubernetes.io/control-plane")))
                    .containsExactlyElementsOf(controlPlanes);
            JsonNode all = api.json("/api/v1/nodes?cluster_name=sim");
            String zone = all.get("data").get(0).at("/labels/topology.kubernetes.io~1zone").asString();
            List<String> inZone = all.get("data").valueStream()
                    .filter(n -> zone.equals(n.at("/labels/topology.kubernetes.io~1zone").asString()))
                    .map(n -> n.get("name").asString()).toList();
            assertThat(names(api.json("/api/v1/nodes?cluster_name=sim&label_key=topology.kubernetes.io/zone&label_value="
                    + zone))).containsExactlyElementsOf(inZone);
            assertThat(names(api.json("/api/v1/nodes?cluster_name=sim&label_key=no-such-label"))).isEmpty();
            assertThat(names(api.json("/api/v1/nodes?cluster_name=sim&taint_key=node-role.kubernetes.io/control-plane"
                    + "&taint_effect=NoSchedule"))).containsExactlyElementsOf(controlPlanes);
            assertThat(names(api.json("/api/v1/nodes?cluster_name=sim&taint_key=node-role.kubernetes.io/control-plane"
                    + "&taint_effect=NoExecute"))).isEmpty();
        }

        @Test
        @DisplayName("filters by status, following the node informer")
        void statusFilter() {
            awaitState("/api/v1/nodes?cluster_name=sim", "fresh");
            awaitNoRefresh();
            String node = sim.nodeNames().get(sim.nodeNames().size() - 1);
            sim.setNodeReady(node, false);
            try {
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                        assertThat(names(api.json("/api/v1/nodes?cluster_name=sim&status=notready")))
                                .containsExactly(node));
                assertThat(names(api.json("/api/v1/nodes?cluster_name=sim&status=ready")))
                        .hasSize(sim.nodeNames().size() - 1)
                        .doesNotContain(node);
            } finally {
                sim.setNodeReady(node, true);
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(names(api.json("/api/v1/nodes?cluster_name=sim&status=notready"))).isEmpty());
        }

        @Test
        @DisplayName("pages and sorts on request, with total and paging info")
        void pagingAndSorting() {
            List<String> all = sim.nodeNames();

            JsonNode page = api.json("/api/v1/nodes?cluster_name=sim&page=2&page_size=5");
            assertThat(names(page)).containsExactlyElementsOf(all.subList(5, 10));
            assertThat(page.get("total").asInt()).isEqualTo(all.size());
            assertThat(page.get("page").asInt()).isEqualTo(2);
            assertThat(page.get("page_size").asInt()).isEqualTo(5);
            assertThat(page.get("total_pages").asInt()).isEqualTo((all.size() + 4) / 5);
            assertThat(names(api.json("/api/v1/nodes?cluster_name=sim&page=99&page_size=5"))).isEmpty();
            List<String> reversed = new ArrayList<>(all);
            Collections.reverse(reversed);
            assertThat(names(api.json("/api/v1/nodes?cluster_name=sim&sort_by=name&order=desc")))
                    .containsExactlyElementsOf(reversed);

            awaitState("/api/v1/nodes?cluster_name=sim", "fresh");
            List<Integer> counts = api.json("/api/v1/nodes?cluster_name=sim&sort_by=pod_count&order=desc")
                    .get("data").valueStream().map(n -> n.get("pod_count").asInt()).toList();
            assertThat(counts).isSortedAccordingTo((a, b) -> Integer.compare(b, a));
            List<String> created = api.json("/api/v1/nodes?cluster_name=sim&sort_by=created_at")
                    .get("data").valueStream().map(n -> n.get("created_at").asString()).toList();
            assertThat(created).isSorted();
            List<String> statuses = api.json("/api/v1/nodes?cluster_name=sim&sort_by=status")
                    .get("data").valueStream().map(n -> n.get("status").asString()).toList();
            assertThat(statuses).isSorted();
        }

        @Test
        @DisplayName("answers 304 to If-None-Match while nothing changed, and a new ETag once the counts change")
        void etag() {
            awaitState("/api/v1/nodes?cluster_name=sim", "fresh");
            HttpResponse<String> first = api.get("/api/v1/nodes?cluster_name=sim");
            String etag = first.headers().firstValue("ETag").orElseThrow();
            assertThat(etag).startsWith("W/\"");

            HttpResponse<String> again = api.get("/api/v1/nodes?cluster_name=sim", "If-None-Match", etag);
            assertThat(again.statusCode()).isEqualTo(304);
            assertThat(again.body()).isEmpty();
            assertThat(api.get("/api/v1/nodes?cluster_name=sim&role=worker", "If-None-Match", etag).statusCode())
                    .isEqualTo(200);

            redis.cli("DEL", KEY);
            HttpResponse<String> changed = api.get("/api/v1/nodes?cluster_name=sim", "If-None-Match", etag);
            assertThat(changed.statusCode()).isEqualTo(200);
            assertThat(changed.headers().firstValue("ETag").orElseThrow()).isNotEqualTo(etag);
        }

        @Test
        @DisplayName("compresses with gzip when asked")
        void gzip() throws IOException {
            HttpResponse<byte[]> response = api.getBytes("/api/v1/nodes?cluster_name=sim", "Accept-Encoding", "gzip");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Encoding")).hasValue("gzip");
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
                JsonNode body = ApiClient.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                assertThat(names(body)).containsExactlyElementsOf(sim.nodeNames());
            }
        }

        @Test
        @DisplayName("answers 503 with Retry-After while a cluster's node list is not loaded")
        void notSynced() {
            long started = System.nanoTime();
            HttpResponse<String> response = api.get("/api/v1/nodes?cluster_name=down");

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).hasValue("3");
            assertError(response, 503, "not loaded yet");
        }
    }

    @Nested
    @DisplayName("GET /api/v1/nodes/{name}, /api/v1/pod-counts, /api/v1/clusters")
    class OtherEndpoints {

        @Test
        @DisplayName("one node with its pod count, and 304 to its ETag while nothing changed")
        void oneNode() {
            awaitState("/api/v1/nodes?cluster_name=sim", "fresh");
            String name = sim.nodeNames().get(3);

            JsonNode body = api.json("/api/v1/nodes/" + name + "?cluster_name=sim");

            assertThat(body.at("/data/name").asString()).isEqualTo(name);
            assertThat(body.at("/data/pod_count").asInt()).isEqualTo(sim.activePodsByNode().getOrDefault(name, 0));
            assertThat(body.at("/pod_counts/state").asString()).isEqualTo("fresh");
            String path = "/api/v1/nodes/" + name + "?cluster_name=sim";
            String etag = api.get(path).headers().firstValue("ETag").orElseThrow();
            assertThat(etag).startsWith("W/\"");
            assertThat(api.get(path, "If-None-Match", etag).statusCode()).isEqualTo(304);
            assertThat(api.get("/api/v1/nodes/" + sim.nodeNames().get(4) + "?cluster_name=sim", "If-None-Match", etag)
                    .statusCode()).as("another node's tag").isEqualTo(200);
            assertError(api.get("/api/v1/nodes/no-such-node?cluster_name=sim"), 404, "unknown node");
            assertError(api.get("/api/v1/nodes/Bad_Name?cluster_name=sim"), 400, "node name");
        }

        @Test
        @DisplayName("the pod counts of a cluster equal the simulated cluster's truth")
        void podCounts() {
            JsonNode body = awaitState("/api/v1/pod-counts?cluster_name=sim", "fresh", "/data/state");

            assertThat(body.at("/data/cluster").asString()).isEqualTo("sim");
            Map<String, Integer> counts = new LinkedHashMap<>();
            body.at("/data/counts").properties().forEach(e -> counts.put(e.getKey(), e.getValue().asInt()));
            assertThat(counts).isEqualTo(sim.activePodsByNode());
            assertThat(body.at("/data/generation").asLong()).isPositive();
            String etag = api.get("/api/v1/pod-counts?cluster_name=sim").headers().firstValue("ETag").orElseThrow();
            assertThat(api.get("/api/v1/pod-counts?cluster_name=sim", "If-None-Match", etag).statusCode())
                    .isEqualTo(304);
        }

        @Test
        @DisplayName("the clusters with informer, metrics and pod-count state")
        void clusters() {
            JsonNode body = api.json("/api/v1/clusters");

            assertThat(body.get("data").valueStream().map(c -> c.get("name").asString())).containsExactly("down", "sim");
            JsonNode simCluster = body.get("data").get(1);
            assertThat(simCluster.at("/informer/state").asString()).isEqualTo("synced");
            assertThat(simCluster.at("/informer/node_count").asInt()).isEqualTo(sim.nodeNames().size());
            assertThat(simCluster.at("/metrics/state").asString()).isIn("unknown", "available");
            assertThat(simCluster.at("/pod_counts/state").asString()).isNotEmpty();
            assertThat(body.get("data").get(0).at("/informer/state").asString()).isIn("starting", "degraded");
            assertThat(body.get("store").asString()).isEqualTo("redis");
        }
    }

    @Nested
    @DisplayName("errors")
    class Errors {

        @ParameterizedTest(name = "{0} → {1}")
        @DisplayName("bad input answers JSON with the right status")
        @CsvSource(delimiter = ';', value = {
            "/api/v1/nodes;400;cluster_name is required",
            "/api/v1/nodes?cluster_name=;400;cluster_name is required",
            "/api/v1/nodes?cluster_name=bad%7Bname%7D;400;cluster_name",
            "/api/v1/nodes?cluster_name=-x;400;cluster_name",
            "/api/v1/nodes?cluster_name=unknown;404;unknown cluster",
            "/api/v1/nodes?cluster_name=sim&status=sleeping;400;status must be ready or notready",
            "/api/v1/nodes?cluster_name=sim&role=a%20b;400;role must be",
            "/api/v1/nodes?cluster_name=sim&label_value=x;400;label_value needs label_key",
            "/api/v1/nodes?cluster_name=sim&taint_effect=NoSchedule;400;need taint_key",
            "/api/v1/nodes?cluster_name=sim&taint_key=k&taint_effect=Never;400;taint_effect must be one of",
            "/api/v1/nodes?cluster_name=sim&page=0;400;page must be an integer",
            "/api/v1/nodes?cluster_name=sim&page=abc;400;page must be an integer",
            "/api/v1/nodes?cluster_name=sim&page_size=100000;400;page_size must be an integer",
            "/api/v1/nodes?cluster_name=sim&sort_by=size;400;sort_by must be one of",
            "/api/v1/nodes?cluster_name=sim&order=sideways;400;order must be asc or desc",
            "/api/v1/pod-counts;400;cluster_name is required",
            "/api/v1/pod-counts?cluster_name=unknown;404;unknown cluster",
            "/api/v1/nodes/node-0001;400;cluster_name is required",
            "/api/v1/nodes/node-0001?cluster_name=unknown;404;unknown cluster",
            "/api/v1/nothing-here;404;no such resource"
        })
        void badInput(String path, int status, String message) {
            assertError(api.get(path), status, message);
        }

        @Test
        @DisplayName("oversized values are refused")
        void oversized() {
            assertError(api.get("/api/v1/nodes?cluster_name=" + "c".repeat(129)), 400, "longer than 128");
            assertError(api.get("/api/v1/nodes?cluster_name=sim&label_key=" + "k".repeat(400)), 400, "label_key");
            assertError(api.get("/api/v1/nodes/" + "n".repeat(300) + "?cluster_name=sim"), 400, "node name");
            assertError(api.get("/api/v1/nodes?cluster_name=sim&role=" + "r".repeat(20_000)), 400,
                    "malformed or oversized request");
            assertError(api.get("/api/v1/nodes?cluster_name=sim", "X-Filler", "f".repeat(20_000)), 400,
                    "malformed or oversized request");
        }

        @Test
        @DisplayName("a cluster that is not configured never reaches Redis")
        void unknownClusterCreatesNoKey() {
            api.get("/api/v1/nodes?cluster_name=made-up");
            api.get("/api/v1/pod-counts?cluster_name=made-up");
            api.post("/api/v1/admin/clusters/made-up/pod-counts/refresh", "Authorization", "Bearer " + TOKEN);

            assertThat(redis.cli("--scan", "--pattern", "*made-up*")).isEmpty();
        }

        @Test
        @DisplayName("a wrong method answers 405 and an unacceptable media type 406, as JSON where possible")
        void methodAndMediaType() {
            HttpResponse<String> delete = api.method("DELETE", "/api/v1/nodes?cluster_name=sim");
            assertError(delete, 405, "not supported");
            assertThat(delete.headers().firstValue("Allow")).hasValueSatisfying(allow -> assertThat(allow).contains("GET"));
            assertError(api.method("PUT", "/api/v1/admin/clusters/sim/pod-counts/refresh"), 405, "not supported");
            assertThat(api.get("/api/v1/nodes?cluster_name=sim", "Accept", "application/xml").statusCode())
                    .isEqualTo(406);
        }
    }

    @Nested
    @DisplayName("admin endpoints")
    class Admin {

        private static final String REFRESH = "/api/v1/admin/clusters/sim/pod-counts/refresh";
        private static final String INVALIDATE = "/api/v1/admin/clusters/sim/pod-counts/invalidate";

        @Test
        @DisplayName("401 with WWW-Authenticate without a Bearer token")
        void noToken() {
            HttpResponse<String> response = api.post(REFRESH);
            assertError(response, 401, "Bearer token is required");
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    value -> assertThat(value).startsWith("Bearer"));
            assertError(api.post(REFRESH, "Authorization", "Basic " + TOKEN), 401, "Bearer");
            assertError(api.post(REFRESH, "Authorization", "Bearer "), 401, "Bearer");
        }

        @Test
        @DisplayName("403 with a wrong token")
        void wrongToken() {
            assertError(api.post(REFRESH, "Authorization", "Bearer nope"), 403, "not valid");
            assertError(api.post(REFRESH, "Authorization", "Bearer " + TOKEN + "x"), 403, "not valid");
        }

        @Test
        @DisplayName("a body sent to an admin endpoint is ignored, whatever its Content-Type: 202, never 415")
        void bodyIgnored() {
            HttpResponse<String> xml = api.postWithBody(REFRESH, "<refresh force=\"true\"/>", "Authorization", "Bearer " + TOKEN,
                    "Content-Type", "application/xml");
            HttpResponse<String> json = api.postWithBody(REFRESH, "{\"force\": true}", "Authorization", "Bearer " + TOKEN,
                    "Content-Type", "application/json");

            assertThat(xml.statusCode()).isEqualTo(202);
            assertThat(json.statusCode()).isEqualTo(202);
            assertThat(ApiClient.parse(xml.body()).get("action").asString()).isEqualTo("refresh");
        }

        @Test
        @DisplayName("404 for a cluster that is not configured")
        void unknownCluster() {
            assertError(api.post("/api/v1/admin/clusters/nope/pod-counts/refresh", "Authorization", "Bearer " + TOKEN),
                    404, "unknown cluster");
        }

        @Test
        @DisplayName("invalidate: 202, then every read answers loading until the next refresh")
        void invalidate() {
            awaitState("/api/v1/nodes?cluster_name=sim", "fresh");
            awaitNoRefresh();

            HttpResponse<String> response = api.post(INVALIDATE, "Authorization", "Bearer " + TOKEN);

            assertThat(response.statusCode()).isEqualTo(202);
            JsonNode body = ApiClient.parse(response.body());
            assertThat(body.get("code").asInt()).isEqualTo(202);
            assertThat(body.get("action").asString()).isEqualTo("invalidate");
            assertThat(redis.cli("EXISTS", KEY)).isEqualTo("0");
            assertThat(api.json("/api/v1/nodes?cluster_name=sim").at("/pod_counts/state").asString())
                    .isEqualTo("loading");
            awaitState("/api/v1/nodes?cluster_name=sim", "fresh");
        }

        @Test
        @DisplayName("refresh: 202, then a new generation although the counts were fresh")
        void refresh() {
            JsonNode before = awaitState("/api/v1/pod-counts?cluster_name=sim", "fresh", "/data/state");
            long generation = before.at("/data/generation").asLong();
            awaitNoRefresh();

            HttpResponse<String> response = api.post(REFRESH, "Authorization", "Bearer " + TOKEN);

            assertThat(response.statusCode()).isEqualTo(202);
            assertThat(ApiClient.parse(response.body()).get("action").asString()).isEqualTo("refresh");
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(api.json("/api/v1/pod-counts?cluster_name=sim").at("/data/generation").asLong())
                            .isGreaterThan(generation));
        }
    }

    @Nested
    @DisplayName("operations")
    class Operations {

        @Test
        @DisplayName("liveness and readiness are up; health details show the store and every cluster, with the admin token only")
        void health() {
            assertThat(api.json("/actuator/health/liveness").get("status").asString()).isEqualTo("UP");
            JsonNode readiness = api.json("/actuator/health/readiness");
            assertThat(readiness.get("status").asString()).isEqualTo("UP");
            assertThat(readiness.at("/components/clusters").isMissingNode()).isTrue();

            JsonNode anonymous = api.json("/actuator/health");
            assertThat(anonymous.get("status").asString()).isEqualTo("DEGRADED");
            assertThat(anonymous.has("components")).as("no details without the admin token").isFalse();
            assertThat(health("Bearer not-the-token").has("components")).isFalse();

            JsonNode health = health("Bearer " + TOKEN);
            JsonNode clusters = health.at("/components/clusters");
            assertThat(clusters.at("/details/store/kind").asString()).isEqualTo("redis");
            assertThat(clusters.at("/details/store/status").asString()).isEqualTo("up");
            JsonNode store = await().atMost(Duration.ofSeconds(10)).until(
                    () -> health("Bearer " + TOKEN).at("/components/clusters/details/store"),
                    measured -> measured.has("clock_skew_ms"));
            assertThat(Math.abs(store.get("clock_skew_ms").asLong()))
                    .as("this replica's clock against the Redis server's, both on this machine").isLessThan(1000);
            assertThat(store.has("clock")).isFalse();
            assertThat(clusters.at("/details/clusters/sim/informer").asString()).isEqualTo("synced");
            assertThat(clusters.at("/details/clusters/down/informer").asString()).isIn("starting", "degraded");
            assertThat(clusters.get("status").asString()).isEqualTo("DEGRADED");
        }

        private JsonNode health(String authorization) {
            HttpResponse<String> response = api.get("/actuator/health", "Authorization", authorization);
            assertThat(response.statusCode()).isEqualTo(200);
            return ApiClient.parse(response.body());
        }

        @Test
        @DisplayName("/actuator/prometheus carries the cache's metrics and the request latency histogram")
        void prometheus() {
            api.json("/api/v1/nodes?cluster_name=sim");

            String metrics = api.get("/actuator/prometheus").body();

            assertThat(metrics).contains("podtally_podcounts_reads_total{cluster=\"sim\"");
            assertThat(metrics).contains("podtally_redis_clock_skew_seconds");
            assertThat(metrics).contains("http_server_requests_seconds_bucket{");
            assertThat(metrics).contains("uri=\"/api/v1/nodes\"");
        }

        @Test
        @DisplayName("the OpenAPI description lists every endpoint")
        void openApi() {
            JsonNode paths = api.json("/v3/api-docs").get("paths");

            assertThat(paths.propertyNames()).contains("/api/v1/nodes", "/api/v1/nodes/{name}", "/api/v1/pod-counts",
                    "/api/v1/clusters", "/api/v1/admin/clusters/{cluster}/pod-counts/refresh",
                    "/api/v1/admin/clusters/{cluster}/pod-counts/invalidate", "/api/v1/admin/pod-counts/refresh",
                    "/api/v1/admin/pod-counts/invalidate");
        }

        @Test
        @DisplayName("the web page is served at /")
        void webPage() {
            HttpResponse<String> page = api.get("/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<title>podtally</title>").contains("app.js");
            assertThat(api.get("/app.js").body()).contains("If-None-Match");
        }
    }

    private void startCold() {
        awaitNoRefresh();
        redis.cli("DEL", KEY);
    }

    private void awaitNoRefresh() {
        await().atMost(Duration.ofSeconds(15))
                .until(() -> meters.get("podtally.podcounts.refresh.active").gauge().value() == 0);
    }

    private JsonNode awaitState(String path, String state) {
        return awaitState(path, state, "/pod_counts/state");
    }

    private JsonNode awaitState(String path, String state, String pointer) {
        List<JsonNode> last = new ArrayList<>(1);
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> {
            JsonNode body = api.json(path);
            last.clear();
            last.add(body);
            return state.equals(body.at(pointer).asString());
        });
        return last.get(0);
    }

    private static List<String> names(JsonNode body) {
        return body.get("data").valueStream().map(n -> n.get("name").asString()).toList();
    }

    static void assertError(HttpResponse<String> response, int status, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonNode body;
        try {
            body = ApiClient.parse(response.body());
        } catch (RuntimeException e) {
            throw new UncheckedIOException(new IOException("not JSON: " + response.body(), e));
        }
        assertThat(body.get("code").asInt()).isEqualTo(status);
        assertThat(body.get("message").asString()).contains(message);
    }
}
