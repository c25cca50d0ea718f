package io.podtally.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real docker-compose.yml, with the images of deploy/local-images, started on a Docker engine:
 * Redis, three replicas built from app/Dockerfile and the packaged jar, nginx in front. Runs in the
 * Maven profile {@code containers} only ({@code .ci/run} turns it on where an engine starts).
 */
@DisplayName("docker-compose.yml on a Docker engine, with the local images")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ComposeStackContainersIT {

    private static final Path ROOT = RepositoryRoot.find();
    private static final List<String> REPLICAS = List.of("podtally-1", "podtally-2", "podtally-3");
    private static final String CLUSTER = "incident";
    /** Active pods of the demo preset {@code incident}. */
    private static final int INCIDENT_PODS = 2613;
    private static final String POD_COUNTS = "/api/v1/pod-counts?cluster_name=" + CLUSTER;
    private static final String NODES = "/api/v1/nodes?cluster_name=" + CLUSTER + "&page_size=5000";
    private static final String KEY = "podtally:{" + CLUSTER + "}:podcounts";
    private static final Duration HEALTHY_LIMIT = Duration.ofMinutes(4);
    private static final Pattern REFRESHES = Pattern.compile(
            "(?m)^podtally_podcounts_refresh_seconds_count\\{cluster=\"" + CLUSTER
                    + "\",outcome=\"(complete|partial|failed|stopped|superseded)\"} (\\S+)$");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static ComposeStack stack;
    private static boolean down;

    @BeforeAll
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    static void startStack() {
        assertThat(ROOT.resolve("app/target/podtally.jar"))
                .as("app/Dockerfile copies the packaged jar: run in the integration-test phase, after package")
                .isRegularFile();
        stack = new ComposeStack(ROOT);
        stack.compose(Duration.ofMinutes(4), "build");
        // docker-compose 1.29 gives up on a replica that is still unhealthy when nginx would start;
        // on a busy host the replicas may take longer than their start period, so nginx waits here.
        stack.compose(Duration.ofMinutes(2), "up", "-d", "redis", "podtally-1", "podtally-2", "podtally-3");
        await().atMost(HEALTHY_LIMIT).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            for (String replica : REPLICAS) {
                assertThat(health(replica)).as(replica).isEqualTo("healthy");
            }
        });
        stack.compose(Duration.ofMinutes(2), "up", "-d", "nginx");
        await().atMost(Duration.ofMinutes(1)).ignoreExceptions()
                .until(() -> get("/nginx-health").statusCode() == 200);
    }

    @AfterAll
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    static void removeStack() {
        if (stack != null && !down) {
            stack.compose(Duration.ofMinutes(2), "down", "-v", "--remove-orphans", "-t", "5");
        }
    }

    @Test
    @Order(1)
    @DisplayName("three replicas behind nginx answer identical, exact pod counts")
    void replicasAgreeOnExactCounts() {
        Map<String, String> replicaAt = replicasByAddress();
        Map<String, JsonNode> countsByReplica = new HashMap<>();
        Map<String, Integer> nodeSumByReplica = new HashMap<>();

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            HttpResponse<String> counts = get(POD_COUNTS);
            JsonNode data = JSON.readTree(counts.body()).path("data");
            if ("fresh".equals(data.path("state").asString()) && replicaAt.containsKey(upstream(counts))) {
                countsByReplica.put(replicaAt.get(upstream(counts)), data.path("counts"));
            }
            HttpResponse<String> nodes = get(NODES);
            JsonNode list = JSON.readTree(nodes.body());
            if ("fresh".equals(list.at("/pod_counts/state").asString()) && replicaAt.containsKey(upstream(nodes))) {
                int sum = 0;
                for (JsonNode node : list.path("data")) {
                    sum += node.path("pod_count").asInt();
                }
                nodeSumByReplica.put(replicaAt.get(upstream(nodes)), sum);
            }
            assertThat(countsByReplica.keySet()).containsExactlyInAnyOrderElementsOf(REPLICAS);
            assertThat(nodeSumByReplica.keySet()).containsExactlyInAnyOrderElementsOf(REPLICAS);
        });

        assertThat(nodeSumByReplica.values()).containsOnly(INCIDENT_PODS);
        assertThat(countsByReplica.values()).hasSize(3).allSatisfy(counts -> {
            assertThat(counts).isEqualTo(countsByReplica.get("podtally-1"));
            int sum = 0;
            for (JsonNode count : counts) {
                sum += count.asInt();
            }
            assertThat(sum).isEqualTo(INCIDENT_PODS);
        });
    }

    @Test
    @Order(2)
    @DisplayName("redis-cli DEL in the Redis container: every replica answers loading, then exact counts after one LIST")
    void redisDeleteReloadsWithOneList() {
        Map<String, String> replicaAt = replicasByAddress();
        double listsBefore = listsOfAllReplicas();

        Processes.Result deleted = stack.exec("redis", "sh", "-c", "REDISCLI_AUTH=\"$REDIS_PASSWORD\" redis-cli DEL '" + KEY + "'");
        assertThat(deleted.stdout().trim()).as(deleted.stderr()).isEqualTo("1");

        Map<String, String> firstState = new LinkedHashMap<>();
        for (int i = 0; i < 30 && firstState.size() < REPLICAS.size(); i++) {
            HttpResponse<String> response = get(POD_COUNTS);
            JsonNode data = JSON.readTree(response.body()).path("data");
            firstState.putIfAbsent(replicaAt.get(upstream(response)),
                    data.path("state").asString() + (data.path("counts").isNull() ? "" : " with counts"));
        }
        assertThat(firstState).containsOnlyKeys(REPLICAS).allSatisfy((replica, state) -> assertThat(state).isEqualTo("loading"));

        Map<String, JsonNode> reloaded = new HashMap<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            HttpResponse<String> response = get(POD_COUNTS);
            JsonNode data = JSON.readTree(response.body()).path("data");
            if ("fresh".equals(data.path("state").asString()) && replicaAt.containsKey(upstream(response))) {
                reloaded.put(replicaAt.get(upstream(response)), data.path("counts"));
            }
            assertThat(reloaded).containsOnlyKeys(REPLICAS);
        });
        assertThat(reloaded.values()).allSatisfy(counts -> {
            int sum = 0;
            for (JsonNode count : counts) {
                sum += count.asInt();
            }
            assertThat(sum).isEqualTo(INCIDENT_PODS);
        });
        assertThat(listsOfAllReplicas() - listsBefore).as("pod LISTs run by all replicas together").isEqualTo(1.0);
    }

    @Test
    @Order(3)
    @DisplayName("every replica runs as UID 10001 on a read-only root file system")
    void runsNonRootOnReadOnlyRoot() {
        for (String replica : REPLICAS) {
            String container = stack.container(replica);
            assertThat(stack.dockerOk("inspect", "-f", "{{.Config.User}} {{.HostConfig.ReadonlyRootfs}}", container))
                    .as(replica).isEqualTo("10001:10001 true");
            assertThat(stack.exec(replica, "id", "-u").stdout().trim()).as(replica).isEqualTo("10001");
            Processes.Result write = stack.exec(replica, "sh", "-c", "touch /probe");
            assertThat(write.exitCode()).as(replica).isNotZero();
            assertThat(write.stderr()).as(replica).contains("Read-only file system");
            assertThat(stack.exec(replica, "sh", "-c", "touch /tmp/probe && rm /tmp/probe").exitCode())
                    .as(replica + ": /tmp is writable").isZero();
        }
    }

    @Test
    @Order(4)
    @DisplayName("the image's own health check, on the liveness group, passes in every replica")
    void imageHealthCheckPasses() {
        String test = stack.dockerOk("image", "inspect", "-f", "{{json .Config.Healthcheck.Test}}", "podtally:containers-it");
        List<String> command = new ArrayList<>();
        for (JsonNode part : JSON.readTree(test)) {
            command.add(part.asString());
        }
        assertThat(command.get(0)).isEqualTo("CMD-SHELL");
        assertThat(command.get(1)).contains("/actuator/health/liveness");
        for (String replica : REPLICAS) {
            Processes.Result check = stack.exec(replica, "sh", "-c", command.get(1));
            assertThat(check.exitCode()).as("%s: %s\n%s", replica, command.get(1), check.stderr()).isZero();
            assertThat(health(replica)).as(replica).isEqualTo("healthy");
        }
    }

    /** Waits until the load has been answered {@code count} times in all, whatever the status. */
    private static void awaitAnswers(Map<Integer, Integer> statuses, int count) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> answered(statuses) >= count);
    }

    private static int answered(Map<Integer, Integer> statuses) {
        return statuses.values().stream().mapToInt(Integer::intValue).sum();
    }

    @Test
    @Order(5)
    @DisplayName("docker-compose stop podtally-2 under load through nginx fails no request; it rejoins after start")
    void replicaStopsGracefullyAndRejoins() throws Exception {
        String stoppedAt = stack.address("podtally-2");
        AtomicBoolean loading = new AtomicBoolean(true);
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        List<String> failures = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                running.add(clients.submit(() -> {
                    while (loading.get()) {
                        try {
                            statuses.merge(get(POD_COUNTS).statusCode(), 1, Integer::sum);
                        } catch (RuntimeException e) {
                            synchronized (failures) {
                                failures.add(e.toString());
                            }
                        }
                    }
                }));
            }
            awaitAnswers(statuses, 50);
            stack.compose(Duration.ofSeconds(60), "stop", "podtally-2");
            awaitAnswers(statuses, answered(statuses) + 100);
            loading.set(false);
            for (Future<?> client : running) {
                client.get(30, TimeUnit.SECONDS);
            }
        } finally {
            loading.set(false);
            clients.shutdownNow();
        }

        assertThat(failures).isEmpty();
        assertThat(statuses).containsOnlyKeys(200);
        assertThat(stack.dockerOk("inspect", "-f", "{{.State.Running}}", stack.container("podtally-2"))).isEqualTo("false");

        stack.compose(Duration.ofSeconds(60), "start", "podtally-2");
        await().atMost(HEALTHY_LIMIT).pollInterval(Duration.ofSeconds(2)).until(() -> "healthy".equals(health("podtally-2")));
        String rejoinedAt = stack.address("podtally-2");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            HttpResponse<String> response = get(POD_COUNTS);
            return response.statusCode() == 200 && upstream(response).equals(rejoinedAt);
        });
        assertThat(rejoinedAt).as("nginx resolved the replicas when it started").isEqualTo(stoppedAt);
    }

    /** One event of the stream: its {@code event:} name, its {@code data:} line and when it arrived. */
    private record StreamEvent(String name, String data, long receivedAt) { }

    @Test
    @Order(6)
    @DisplayName("nginx passes the event stream through unbuffered: the change of an invalidation reaches the client within a second")
    void eventStreamIsNotBuffered() throws Exception {
        String events = "/api/v1/events?cluster_name=" + CLUSTER;
        HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(uri(events))
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        BlockingQueue<StreamEvent> received = new LinkedBlockingQueue<>();
        ExecutorService reading = Executors.newSingleThreadExecutor();
        try (InputStream body = stream.body()) {
            assertThat(stream.statusCode()).isEqualTo(200);
            assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/event-stream"));
            reading.submit(() -> readEvents(body, received));

            StreamEvent first = received.poll(10, TimeUnit.SECONDS);
            assertThat(first).as("the first event of a new stream").isNotNull();
            assertThat(first.name()).isEqualTo("state");

            long sent = System.nanoTime();
            HttpResponse<String> invalidated = http.send(HttpRequest.newBuilder(uri("/api/v1/admin/pod-counts/invalidate?cluster_name=" + CLUSTER))
                    .header("Authorization", "Bearer " + ComposeStack.ADMIN_TOKEN)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(invalidated.statusCode()).as(invalidated.body()).isBetween(200, 299);
            StreamEvent change = nextPodCountsChange(received, sent + Duration.ofSeconds(2).toNanos());
            assertThat(change).as("a change of pod_counts after the invalidation").isNotNull();
            assertThat(Duration.ofNanos(change.receivedAt() - sent)).isLessThan(Duration.ofSeconds(1));
        } finally {
            reading.shutdownNow();
        }
    }

    /** Puts every event of the stream into {@code received} until the stream ends or is closed. */
    private static Void readEvents(InputStream body, BlockingQueue<StreamEvent> received) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        String name = "message";
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.startsWith("event:")) {
                name = line.substring("event:".length()).trim();
            } else if (line.startsWith("data:")) {
                received.add(new StreamEvent(name, line.substring("data:".length()).trim(), System.nanoTime()));
                name = "message";
            }
        }
        return null;
    }

    /** The first {@code change} event naming {@code pod_counts} that arrives before {@code deadline} (nanoTime), or null. */
    private static StreamEvent nextPodCountsChange(BlockingQueue<StreamEvent> received, long deadline)
            throws InterruptedException {
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            StreamEvent event = received.poll(left, TimeUnit.NANOSECONDS);
            if (event == null) {
                return null;
            }
            if ("change".equals(event.name())) {
                for (JsonNode part : JSON.readTree(event.data()).path("changed")) {
                    if ("pod_counts".equals(part.asString())) {
                        return event;
                    }
                }
            }
        }
        return null;
    }

    @Test
    @Order(7)
    @DisplayName("docker-compose down -v leaves no container and no volume")
    void downLeavesNothing() {
        stack.compose(Duration.ofMinutes(2), "down", "-v", "--remove-orphans", "-t", "5");
        down = true;

        assertThat(stack.leftovers()).isEmpty();
    }

    private static String health(String service) {
        return stack.dockerOk("inspect", "-f", "{{if .State.Health}}{{.State.Health.Status}}{{end}}", stack.container(service));
    }

    private static Map<String, String> replicasByAddress() {
        Map<String, String> byAddress = new HashMap<>();
        for (String replica : REPLICAS) {
            byAddress.put(stack.address(replica), replica);
        }
        return byAddress;
    }

    /** Pod LISTs that ended, summed over every replica's refresh metrics for the cluster. */
    private static double listsOfAllReplicas() {
        double sum = 0;
        for (String replica : REPLICAS) {
            Processes.Result metrics = stack.exec(replica, "curl", "-fsS", "http://127.0.0.1:8080/actuator/prometheus");
            assertThat(metrics.exitCode()).as(metrics.stderr()).isZero();
            Matcher matcher = REFRESHES.matcher(metrics.stdout());
            while (matcher.find()) {
                sum += Double.parseDouble(matcher.group(2));
            }
        }
        return sum;
    }

    /** The address of the replica that answered: the last one nginx tried. */
    private static String upstream(HttpResponse<?> response) {
        String tried = response.headers().firstValue("X-Podtally-Upstream").orElse("");
        String last = tried.substring(tried.lastIndexOf(',') + 1).trim();
        return last.endsWith(":8080") ? last.substring(0, last.length() - ":8080".length()) : last;
    }

    private static HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + path + " through nginx failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + stack.port() + path);
    }
}
