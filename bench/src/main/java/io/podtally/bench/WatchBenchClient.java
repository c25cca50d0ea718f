package io.podtally.bench;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What the watch-mode benchmark asks a replica over HTTP: node counts, cluster state, metrics. */
final class WatchBenchClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** The JSON answer of {@code path} on the replica. */
    JsonNode json(Replica replica, String path) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(replica.uri(path))
                .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException(path + " on " + replica.name() + " answered " + response.statusCode());
        }
        return JSON.readTree(response.body());
    }

    /** The node list answer for one node (the name filter narrows it), or empty JSON when not answering. */
    JsonNode node(Replica replica, String cluster, String node) throws IOException, InterruptedException {
        return json(replica, "/api/v1/nodes?cluster_name=" + URLEncoder.encode(cluster, StandardCharsets.UTF_8)
                + "&name=" + URLEncoder.encode(node, StandardCharsets.UTF_8) + "&page_size=100");
    }

    /** The pod count the replica answers for {@code node}; -1 when it answers none (loading, not found). */
    int podCount(Replica replica, String cluster, String node) throws IOException, InterruptedException {
        for (JsonNode entry : node(replica, cluster, node).path("data")) {
            if (node.equals(entry.path("name").asString())) {
                JsonNode count = entry.path("pod_count");
                return count.isNumber() ? count.asInt() : -1;
            }
        }
        return -1;
    }

    /** {@code pod_counts.state} and {@code pod_counts.source} of the cluster on the replica, as {@code state/source}. */
    String countState(Replica replica, String cluster, String anyNode) {
        try {
            JsonNode counts = node(replica, cluster, anyNode).path("pod_counts");
            return counts.path("state").asString("none") + "/" + counts.path("source").asString("none");
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return "unreachable";
        }
    }

    /** The {@code watch.state} of the cluster in {@code /api/v1/clusters}; {@code absent} without one. */
    String watchState(Replica replica, String cluster) {
        try {
            for (JsonNode entry : json(replica, "/api/v1/clusters").path("data")) {
                if (cluster.equals(entry.path("name").asString())) {
                    return entry.path("watch").path("state").asString("absent");
                }
            }
            return "absent";
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return "unreachable";
        }
    }

    /** Whether every cluster's node informer of the replica has synced. */
    boolean informersSynced(Replica replica) {
        try {
            JsonNode data = json(replica, "/api/v1/clusters").path("data");
            boolean any = false;
            for (JsonNode entry : data) {
                any = true;
                if (!"synced".equals(entry.path("informer").path("state").asString())) {
                    return false;
                }
            }
            return any;
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }

    /** The first measurement of an actuator metric, e.g. {@code podtally.watch.leases}; 0 when absent. */
    double metric(Replica replica, String name, String... tags) throws IOException, InterruptedException {
        StringBuilder path = new StringBuilder("/actuator/metrics/").append(name);
        for (int i = 0; i < tags.length; i++) {
            path.append(i == 0 ? '?' : '&').append("tag=").append(URLEncoder.encode(tags[i], StandardCharsets.UTF_8));
        }
        try {
            return json(replica, path.toString()).path("measurements").path(0).path("value").asDouble();
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().endsWith("404")) {
                return 0;
            }
            throw e;
        }
    }

    /**
     * The replica's used heap after two full collections asked with {@code jcmd <pid> GC.run}, from its
     * {@code jvm.memory.used} of the heap area.
     */
    long usedHeapAfterGc(Replica replica) throws IOException, InterruptedException {
        for (int i = 0; i < 2; i++) {
            Process jcmd = new ProcessBuilder(jcmd(), Long.toString(replica.pid()), "GC.run")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
                throw new IOException("jcmd GC.run of " + replica.name() + " failed");
            }
            TimeUnit.MILLISECONDS.sleep(300);
        }
        return (long) metric(replica, "jvm.memory.used", "area:heap");
    }

    private static String jcmd() {
        return java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    }

    /** Polls {@code condition} every 250 ms until it holds; whether it did within {@code limit}. */
    static boolean await(Duration limit, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
        return condition.getAsBoolean();
    }

    /** Waits until every replica's informers synced. */
    void awaitServing(List<Replica> replicas, Duration limit) throws IOException, InterruptedException {
        for (Replica replica : replicas) {
            if (!await(limit, () -> !replica.alive() || informersSynced(replica)) || !replica.alive()) {
                throw new IOException("replica " + replica.name() + " not serving within " + limit + "; see its log");
            }
        }
    }
}
