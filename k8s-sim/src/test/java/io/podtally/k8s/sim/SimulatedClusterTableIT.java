package io.podtally.k8s.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

@DisplayName("SimulatedCluster serving pod lists as Tables")
class SimulatedClusterTableIT {

    private static final String TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io";
    private static final String ACTIVE = URLEncoder.encode("status.phase!=Succeeded,status.phase!=Failed",
            StandardCharsets.UTF_8);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static SimulatedCluster sim;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        sim = SimulatedCluster.builder().nodes(20).activePods(600).seed(3)
                .clock(Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC))
                .start();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @AfterEach
    void reset() {
        sim.tablesEnabled(true);
        sim.resetRequestCounts();
    }

    private static HttpResponse<byte[]> get(String path, String accept) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(sim.url() + path)).timeout(Duration.ofSeconds(10));
        if (accept != null) {
            request.header("Accept", accept);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static JsonNode json(HttpResponse<byte[]> response) {
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static String continueParam(String token) {
        return token == null ? "" : "&continue=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("pages through a Table of the active pods like the list: same pods in the same order, Node cell or <none>")
    void pagesThroughTable() throws Exception {
        List<String> listNames = new ArrayList<>();
        String token = null;
        do {
            JsonNode list = json(get("/api/v1/pods?limit=100&fieldSelector=" + ACTIVE + continueParam(token),
                    "application/json"));
            list.get("items").forEach(item -> listNames.add(item.get("metadata").get("name").asString()));
            token = list.get("metadata").path("continue").asString(null);
        } while (token != null);
        sim.resetRequestCounts();

        List<String> tableNames = new ArrayList<>();
        Map<String, Integer> byNode = new HashMap<>();
        long unscheduled = 0;
        int pages = 0;
        do {
            HttpResponse<byte[]> response = get("/api/v1/pods?limit=100&includeObject=None&fieldSelector=" + ACTIVE
                    + continueParam(token), TABLE + ", application/json");
            JsonNode table = json(response);
            pages++;
            assertThat(table.get("kind").asString()).isEqualTo("Table");
            assertThat(table.get("apiVersion").asString()).isEqualTo("meta.k8s.io/v1");
            List<String> columns = new ArrayList<>();
            table.get("columnDefinitions").forEach(c -> columns.add(c.get("name").asString()));
            assertThat(columns).containsExactly("Name", "Ready", "Status", "Restarts", "Age", "IP", "Node",
                    "Nominated Node", "Readiness Gates");
            JsonNode rows = table.get("rows");
            assertThat(response.body().length / rows.size()).as("bytes per row").isLessThan(400);
            for (JsonNode row : rows) {
                assertThat(row.has("object")).isFalse();
                JsonNode cells = row.get("cells");
                assertThat(cells).hasSize(9);
                tableNames.add(cells.get(0).asString());
                assertThat(cells.get(1).asString()).isIn("1/1", "0/1");
                assertThat(cells.get(2).asString()).isIn("Running", "ContainerCreating", "Pending");
                assertThat(cells.get(3).asString()).matches("\\d+( \\(\\w+ ago\\))?");
                assertThat(cells.get(4).asString()).matches("\\d+[smhdy](\\d+[smhd])?");
                String node = cells.get(6).asString();
                if ("<none>".equals(node)) {
                    unscheduled++;
                    assertThat(cells.get(5).asString()).isEqualTo("<none>");
                } else {
                    byNode.merge(node, 1, Integer::sum);
                }
            }
            token = table.get("metadata").path("continue").asString(null);
            long seen = tableNames.size();
            if (token != null) {
                assertThat(table.get("metadata").get("remainingItemCount").asLong()).isEqualTo(listNames.size() - seen);
            } else {
                assertThat(table.get("metadata").has("remainingItemCount")).isFalse();
            }
            assertThat(table.get("metadata").get("resourceVersion").asString()).isNotBlank();
        } while (token != null);

        assertThat(tableNames).isEqualTo(listNames);
        assertThat(byNode).isEqualTo(sim.activePodsByNode());
        assertThat(unscheduled).isEqualTo(sim.unscheduledActivePods()).isPositive();
        assertThat(sim.requestCounts().get(RequestKind.POD_TABLE_PAGES)).isEqualTo(pages);
        assertThat(sim.requestCounts().get(RequestKind.POD_LIST_PAGES)).isEqualTo(pages);
        assertThat(sim.requestCounts().get(RequestKind.POD_LIST_SEQUENCES)).isEqualTo(1);
    }

    @Test
    @DisplayName("carries each pod's metadata as PartialObjectMetadata by default, and the whole pod with includeObject=Object")
    void includeObject() throws Exception {
        HttpResponse<byte[]> response = get("/api/v1/pods?limit=200&fieldSelector=status.phase%3DRunning", TABLE);
        JsonNode rows = json(response).get("rows");
        assertThat(response.body().length / rows.size()).as("bytes per row").isBetween(1000, 3500);
        for (JsonNode row : rows) {
            JsonNode object = row.get("object");
            assertThat(object.get("kind").asString()).isEqualTo("PartialObjectMetadata");
            assertThat(object.get("apiVersion").asString()).isEqualTo("meta.k8s.io/v1");
            assertThat(object.get("metadata").get("name").asString()).isEqualTo(row.get("cells").get(0).asString());
            assertThat(object.get("metadata").get("managedFields")).isNotEmpty();
            assertThat(object.get("metadata").get("ownerReferences")).isNotEmpty();
            assertThat(object.has("spec")).isFalse();
        }

        JsonNode full = json(get("/api/v1/pods?limit=20&includeObject=Object&fieldSelector=status.phase%3DRunning",
                TABLE)).get("rows");
        for (JsonNode row : full) {
            assertThat(row.get("object").get("kind").asString()).isEqualTo("Pod");
            assertThat(row.get("object").get("spec").get("nodeName").asString())
                    .isEqualTo(row.get("cells").get(6).asString());
            assertThat(row.get("object").get("status").get("podIP").asString())
                    .isEqualTo(row.get("cells").get(5).asString());
        }
    }

    @Test
    @DisplayName("takes the first acceptable media type, ignores Table requests when tables are off, refuses what it cannot serve")
    void negotiation() throws Exception {
        assertThat(json(get("/api/v1/pods?limit=5", TABLE + ", application/json")).get("kind").asString())
                .isEqualTo("Table");
        assertThat(json(get("/api/v1/pods?limit=5", "application/json, " + TABLE)).get("kind").asString())
                .isEqualTo("PodList");
        assertThat(json(get("/api/v1/pods?limit=5",
                "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io, " + TABLE)).get("kind").asString())
                .isEqualTo("Table");
        assertThat(json(get("/api/v1/pods?limit=5", null)).get("kind").asString()).isEqualTo("PodList");
        assertThat(get("/api/v1/pods?limit=5", "application/yaml").statusCode()).isEqualTo(406);
        assertThat(get("/api/v1/pods?limit=5&includeObject=Everything", TABLE).statusCode()).isEqualTo(400);

        sim.tablesEnabled(false);
        JsonNode ignored = json(get("/api/v1/pods?limit=5&includeObject=None", TABLE + ", application/json"));
        assertThat(ignored.get("kind").asString()).isEqualTo("PodList");
        assertThat(ignored.get("items")).hasSize(5);
        assertThat(sim.requestCounts().get(RequestKind.POD_TABLE_PAGES)).as("only the requests answered as a Table").isEqualTo(2);
    }

    @Test
    @DisplayName("prints ages the way kubectl does")
    void ages() {
        assertThat(TableJson.age(45)).isEqualTo("45s");
        assertThat(TableJson.age(5 * 60 + 12)).isEqualTo("5m12s");
        assertThat(TableJson.age(42 * 60)).isEqualTo("42m");
        assertThat(TableJson.age(3 * 3600 + 20 * 60)).isEqualTo("3h20m");
        assertThat(TableJson.age(30 * 3600)).isEqualTo("30h");
        assertThat(TableJson.age(5 * 86400 + 3 * 3600)).isEqualTo("5d3h");
        assertThat(TableJson.age(400L * 86400)).isEqualTo("400d");
        assertThat(TableJson.age(800L * 86400)).isEqualTo("2y70d");
    }
}
