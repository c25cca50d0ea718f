package io.podtally.bench;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.podtally.bench.load.LoadDriver;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The replicas of one design, and what the benchmark asks them. */
final class Deployment implements AutoCloseable {

    static final Map<String, String> GZIP = Map.of("Accept-Encoding", "gzip");
    static final Map<String, String> IDENTITY = Map.of();

    private static final Logger log = LoggerFactory.getLogger(Deployment.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Design design;
    private final List<Replica> replicas;
    private final LoadDriver driver;
    private final Environment environment;

    private Deployment(Design design, List<Replica> replicas, LoadDriver driver, Environment environment) {
        this.design = design;
        this.replicas = List.copyOf(replicas);
        this.driver = driver;
        this.environment = environment;
    }

    static Deployment start(Design design, int count, Settings settings, Environment environment, LoadDriver driver)
            throws IOException, InterruptedException {
        return start(design, count, settings, environment, driver, "", List.of());
    }

    /**
     * The replicas of {@code design} with {@code extraProperties} on top of the environment's, their logs named with
     * {@code variant} after the design.
     */
    static Deployment start(Design design, int count, Settings settings, Environment environment, LoadDriver driver,
            String variant, List<String> extraProperties) throws IOException, InterruptedException {
        List<Replica> replicas = new ArrayList<>();
        String prefix = prefix(design, count, environment) + variant;
        List<String> properties = new ArrayList<>(environment.replicaProperties(design));
        properties.addAll(extraProperties);
        for (int i = 1; i <= count; i++) {
            String name = prefix + "-r" + i;
            replicas.add(Replica.start(name, design, properties, settings.replicaHeap(),
                    environment.workDir().resolve(name + ".log")));
        }
        Deployment deployment = new Deployment(design, replicas, driver, environment);
        try {
            deployment.awaitServing(Duration.ofMinutes(4));
        } catch (IOException | InterruptedException | RuntimeException e) {
            deployment.close();
            throw e;
        }
        return deployment;
    }

    /** The name of a deployment's replicas, followed by {@code 1}, {@code 2}, … */
    static String prefix(Design design, int count, Environment environment) {
        return environment.phase().name().toLowerCase(java.util.Locale.ROOT) + "-"
                + design.name().toLowerCase(java.util.Locale.ROOT) + "-" + count;
    }

    Design design() {
        return design;
    }

    List<Replica> replicas() {
        return replicas;
    }

    int size() {
        return replicas.size();
    }

    /** {@code path?query} on every replica, for a round-robin load. */
    List<URI> everywhere(String pathAndQuery) {
        return replicas.stream().map(r -> r.uri(pathAndQuery)).toList();
    }

    static String nodesPath(String cluster, String extraQuery) {
        return "/api/v1/nodes?cluster_name=" + URLEncoder.encode(cluster, StandardCharsets.UTF_8)
                + (extraQuery.isEmpty() ? "" : "&" + extraQuery);
    }

    /**
     * Drops the cluster's pod counts on every replica (one shared hash for podtally, one map per
     * replica otherwise), {@code last} at the end, so that a request to it follows at once.
     */
    void invalidate(String cluster, Replica last) throws IOException, InterruptedException {
        List<Replica> order = new ArrayList<>(replicas);
        order.remove(last);
        order.add(last);
        for (Replica replica : order) {
            int status = driver.post(replica.uri("/api/v1/admin/clusters/" + URLEncoder.encode(cluster, StandardCharsets.UTF_8)
                    + "/pod-counts/invalidate"), Map.of("Authorization", "Bearer " + environment.adminToken()),
                    Duration.ofSeconds(10));
            if (status / 100 != 2) {
                throw new IOException("invalidate " + cluster + " on " + replica.name() + " answered " + status);
            }
        }
    }

    /** One node-list request, answered in full and read. */
    NodeListAnswer nodes(Replica replica, String cluster, String extraQuery, Map<String, String> headers, Duration timeout)
            throws IOException, InterruptedException {
        LoadDriver.Exchange exchange = driver.get(replica.uri(nodesPath(cluster, extraQuery)), headers, timeout);
        return NodeListAnswer.of(exchange, headers == IDENTITY ? JSON : null);
    }

    /**
     * Waits until every replica serves counts of {@code cluster} that are complete and fresh or stale.
     *
     * @return whether they all did before the deadline
     */
    boolean awaitCounts(String cluster, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        for (Replica replica : replicas) {
            while (true) {
                String state = countState(replica, cluster);
                if ("fresh".equals(state) || "stale".equals(state)) {
                    break;
                }
                if (System.nanoTime() > end) {
                    log.warn("{}: counts of {} still {} after {}", replica.name(), cluster, state, deadline);
                    return false;
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
        return true;
    }

    private String countState(Replica replica, String cluster) throws InterruptedException {
        try {
            NodeListAnswer answer = nodes(replica, cluster, "page=1&page_size=1", IDENTITY, Duration.ofSeconds(30));
            return answer.status() == 200 ? answer.state() : "http-" + answer.status();
        } catch (IOException e) {
            return "unreachable: " + e.getMessage();
        }
    }

    /** Waits until every replica's node informers have synced (its health details say so); asks for no pod count. */
    private void awaitServing(Duration deadline) throws IOException, InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        for (Replica replica : replicas) {
            while (true) {
                if (!replica.alive()) {
                    throw new IOException("replica " + replica.name() + " exited; see its log");
                }
                String states = informers(replica);
                if (states.equals("synced")) {
                    break;
                }
                if (System.nanoTime() > end) {
                    throw new IOException("replica " + replica.name() + " not serving after " + deadline
                            + " (informers: " + states + ")");
                }
                TimeUnit.MILLISECONDS.sleep(250);
            }
        }
        log.info("{} × {} serving", replicas.size(), design.label());
    }

    /** {@code synced} when every cluster's informer has synced, otherwise what {@code /api/v1/clusters} says. */
    private String informers(Replica replica) throws InterruptedException {
        try {
            LoadDriver.Exchange answer = driver.get(replica.uri("/api/v1/clusters"), IDENTITY, Duration.ofSeconds(5));
            Map<String, String> byName = new HashMap<>();
            for (JsonNode cluster : JSON.readTree(answer.body()).path("data")) {
                byName.put(cluster.path("name").asString(), cluster.path("informer").path("state").asString("absent"));
            }
            List<String> states = new ArrayList<>();
            for (ClusterUnderTest cluster : environment.clusters()) {
                states.add(byName.getOrDefault(cluster.name(), "absent"));
            }
            return states.stream().allMatch("synced"::equals) ? "synced" : String.join(",", states);
        } catch (ConnectException | HttpTimeoutException e) {
            return "not answering";
        } catch (IOException | tools.jackson.core.JacksonException e) {
            log.debug("health of {} not readable: {}", replica.name(), e.toString());
            return "unreadable health";
        }
    }

    /**
     * Waits until every replica answers a small request within 250 ms again, after an overload
     * left queued requests behind (their clients gave up, the server still works them off).
     */
    void awaitQuiet(Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        for (Replica replica : replicas) {
            while (System.nanoTime() < end) {
                try {
                    if (driver.get(replica.uri("/actuator/health/liveness"), IDENTITY, Duration.ofSeconds(5)).elapsed()
                            .toMillis() < 250) {
                        break;
                    }
                } catch (IOException e) {
                    log.debug("{} busy: {}", replica.name(), e.toString());
                }
                TimeUnit.MILLISECONDS.sleep(250);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        replicas.forEach(Replica::stop);
        for (Replica replica : replicas) {
            replica.close();
        }
    }

    /**
     * A node-list answer as the benchmark reads it.
     *
     * @param state {@code pod_counts.state}, or {@code null} when the body was not read
     * @param nodes nodes in {@code data}
     * @param nullCounts nodes with {@code pod_count: null}
     * @param zeroCounts nodes with {@code pod_count: 0}
     */
    record NodeListAnswer(int status, Duration elapsed, long bytes, String contentEncoding, String state, int nodes,
            int nullCounts, int zeroCounts) {

        static NodeListAnswer of(LoadDriver.Exchange exchange, JsonMapper json) {
            String encoding = exchange.headers().getOrDefault("content-encoding", List.of("identity")).get(0);
            if (json == null || exchange.status() != 200 || !"identity".equals(encoding)) {
                return new NodeListAnswer(exchange.status(), exchange.elapsed(), exchange.body().length, encoding, null,
                        -1, -1, -1);
            }
            JsonNode root = json.readTree(exchange.body());
            int nodes = 0;
            int nulls = 0;
            int zeros = 0;
            for (JsonNode node : root.path("data")) {
                nodes++;
                JsonNode count = node.path("pod_count");
                if (count.isNull() || count.isMissingNode()) {
                    nulls++;
                } else if (count.asInt() == 0) {
                    zeros++;
                }
            }
            return new NodeListAnswer(exchange.status(), exchange.elapsed(), exchange.body().length, encoding,
                    root.path("pod_counts").path("state").asString(null), nodes, nulls, zeros);
        }
    }
}
