package io.podtally.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * Steady requests for one node list on every replica, one client per replica asking again 20 ms after each answer,
 * every answer recorded.
 *
 * <pre>{@code
 * NodeListLoad load = NodeListLoad.start(deployment.replicas(), "/api/v1/nodes?cluster_name=C");
 * ... load.since(killedAt) ...
 * load.stop();
 * }</pre>
 */
final class NodeListLoad {

    private static final Duration PAUSE = Duration.ofMillis(20);

    private final List<Answer> answers = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService clients;

    /**
     * One answer of the node list.
     *
     * @param replica the index of the replica asked
     * @param started {@link System#nanoTime()} when asked
     * @param ended {@link System#nanoTime()} when answered
     * @param status the HTTP status; 0 when the request failed
     * @param state {@code pod_counts.state}; {@code null} without a JSON body
     * @param generation {@code pod_counts.generation}; 0 when absent
     * @param counts each node's {@code pod_count}, {@code null} where none was served
     * @param error why the request failed or its body could not be read; {@code null} otherwise
     */
    record Answer(int replica, long started, long ended, int status, String state, long generation,
            Map<String, Integer> counts, String error) {

        Duration took() {
            return Duration.ofNanos(ended - started);
        }

        /** Whether every node of {@code exact} is listed and each count served equals it. */
        boolean countsServedAreExact(Map<String, Integer> exact) {
            return counts != null && counts.keySet().equals(exact.keySet())
                    && counts.entrySet().stream().allMatch(node -> node.getValue() == null
                            || node.getValue().equals(exact.get(node.getKey())));
        }

        /** Whether a node with pods is answered with {@code pod_count} 0. */
        boolean zeroForNodeWithPods(Map<String, Integer> exact) {
            return counts != null && counts.entrySet().stream().anyMatch(node -> Integer.valueOf(0).equals(
                    node.getValue()) && exact.getOrDefault(node.getKey(), 0) > 0);
        }

        /** Fresh, every node listed with its exact count. */
        boolean freshAndExact(Map<String, Integer> exact) {
            return status == 200 && "fresh".equals(state) && exact.equals(counts);
        }
    }

    private NodeListLoad(List<Replica> replicas, String path) {
        clients = Executors.newScheduledThreadPool(replicas.size());
        for (int i = 0; i < replicas.size(); i++) {
            int index = i;
            ApiClient api = replicas.get(i).api();
            clients.scheduleWithFixedDelay(() -> answers.add(ask(index, api, path)), 0, PAUSE.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /** Starts asking every one of {@code replicas} for {@code path}. */
    static NodeListLoad start(List<Replica> replicas, String path) {
        return new NodeListLoad(replicas, path);
    }

    /** Asks {@code api} for {@code path} once, as the replica numbered {@code replica}. */
    static Answer ask(int replica, ApiClient api, String path) {
        long started = System.nanoTime();
        HttpResponse<String> response;
        try {
            response = api.get(path);
        } catch (RuntimeException e) {
            return new Answer(replica, started, System.nanoTime(), 0, null, 0, null, e.toString());
        }
        long ended = System.nanoTime();
        if (response.statusCode() != 200) {
            return new Answer(replica, started, ended, response.statusCode(), null, 0, null, response.body());
        }
        JsonNode body = ApiClient.parse(response.body());
        Map<String, Integer> counts = new HashMap<>();
        body.get("data").forEach(node -> counts.put(node.get("name").asString(),
                node.get("pod_count").isNull() ? null : node.get("pod_count").asInt()));
        JsonNode generation = body.at("/pod_counts/generation");
        return new Answer(replica, started, ended, 200, body.at("/pod_counts/state").asString(),
                generation.isNumber() ? generation.asLong() : 0, Collections.unmodifiableMap(counts), null);
    }

    /** The answers to the requests made from {@code nanos} ({@link System#nanoTime()}) on, in the order answered. */
    List<Answer> since(long nanos) {
        return answers.stream().filter(answer -> answer.started() - nanos >= 0).toList();
    }

    /** Stops asking once the requests under way are answered. */
    void stop() throws InterruptedException {
        // shutdown, not shutdownNow: interrupting a client would fail its own request under way
        clients.shutdown();
        assertThat(clients.awaitTermination(15, TimeUnit.SECONDS)).as("the clients stopped").isTrue();
    }
}
