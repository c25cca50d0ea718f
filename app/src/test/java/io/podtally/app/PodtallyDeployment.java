package io.podtally.app;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.podtally.cache.redis.RedisServer;
import io.podtally.k8s.sim.SimulatedCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import tools.jackson.databind.JsonNode;

/**
 * A podtally deployment for one test class: a redis-server (or the in-memory store), simulated clusters and the
 * replicas serving them, started before the class's first test, once every replica's informers of the reachable
 * clusters have synced, and stopped after its last test (nested classes share it).
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PodtallyDeployment deployment = PodtallyDeployment.onRedis()
 *         .cluster("outage", SimulatedCluster.builder().nodes(8).activePods(120).seed(5))
 *         .replicas(3)
 *         .property("podtally.podcounts.warm-up", "false");
 *
 * ... deployment.redis().stop(); deployment.api().json(NODES); deployment.cluster().activePodsByNode() ...
 * }</pre>
 */
final class PodtallyDeployment implements BeforeAllCallback, AfterAllCallback {

    private static final Duration START_LIMIT = Duration.ofMinutes(3);
    private static final Duration SYNC_LIMIT = Duration.ofSeconds(30);

    private final boolean onRedis;
    private final boolean redisLater;
    private final Map<String, SimulatedCluster.Builder> builders = new LinkedHashMap<>();
    private final Set<String> unavailable = new LinkedHashSet<>();
    private final Set<String> forbidden = new LinkedHashSet<>();
    private String redisPassword;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private int replicaCount = 1;

    private String owner;
    private RedisServer redis;
    private Path kubeconfig;
    private final Map<String, SimulatedCluster> clusters = new LinkedHashMap<>();
    private final List<Replica> replicas = new CopyOnWriteArrayList<>();
    private final Map<String, String> replicaProperties = new LinkedHashMap<>();

    private PodtallyDeployment(boolean onRedis, boolean redisLater) {
        this.onRedis = onRedis;
        this.redisLater = redisLater;
    }

    /** Replicas sharing one redis-server ({@code podtally.store=redis}). */
    static PodtallyDeployment onRedis() {
        return new PodtallyDeployment(true, false);
    }

    /**
     * Replicas with {@code podtally.store=auto} pointed at a free port where no redis-server runs yet; the test
     * starts it with {@code redis().restart()}.
     */
    static PodtallyDeployment autoBeforeRedis() {
        return new PodtallyDeployment(true, true);
    }

    /** Replicas each keeping pod counts in memory ({@code podtally.store=memory}), no Redis. */
    static PodtallyDeployment inMemory() {
        return new PodtallyDeployment(false, false);
    }

    /** A simulated cluster served as kubeconfig context {@code name}. */
    PodtallyDeployment cluster(String name, SimulatedCluster.Builder builder) {
        builders.put(name, builder);
        return this;
    }

    /** A simulated cluster whose API server answers every request with an error from the start. */
    PodtallyDeployment unavailableCluster(String name, SimulatedCluster.Builder builder) {
        unavailable.add(name);
        return cluster(name, builder);
    }

    /** A simulated cluster whose API server refuses every request with 403 from the start. */
    PodtallyDeployment forbiddenCluster(String name, SimulatedCluster.Builder builder) {
        forbidden.add(name);
        return cluster(name, builder);
    }

    /** The redis-server requires {@code password}, which the replicas are given. */
    PodtallyDeployment redisPassword(String password) {
        redisPassword = password;
        return this;
    }

    /** How many replicas serve the clusters; one unless set. */
    PodtallyDeployment replicas(int count) {
        replicaCount = count;
        return this;
    }

    /** A property of every replica, on top of the clusters, the store and the demo switched off. */
    PodtallyDeployment property(String key, String value) {
        properties.put(key, value);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (owner != null) {
            return;
        }
        owner = context.getUniqueId();
        assertTimeoutPreemptively(START_LIMIT, this::start, "the deployment did not start within " + START_LIMIT);
        if (redis != null) {
            context.publishReportEntry("redis", redis.kind());
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (!context.getUniqueId().equals(owner)) {
            return;
        }
        owner = null;
        try {
            List<Replica> newestFirst = new ArrayList<>(replicas);
            Collections.reverse(newestFirst);
            newestFirst.forEach(Replica::close);
            clusters.values().forEach(SimulatedCluster::close);
            if (redis != null) {
                redis.close();
            }
        } finally {
            replicas.clear();
            replicaProperties.clear();
            clusters.clear();
            redis = null;
            if (kubeconfig != null) {
                Files.deleteIfExists(kubeconfig);
            }
        }
    }

    private void start() throws IOException {
        if (onRedis) {
            redis = redisLater ? RedisServer.notStarted()
                    : redisPassword == null ? RedisServer.start() : RedisServer.startWithPassword(redisPassword);
        }
        builders.forEach((name, builder) -> {
            SimulatedCluster sim = builder.start();
            clusters.put(name, sim);
            sim.unavailable(unavailable.contains(name));
            sim.forbidden(forbidden.contains(name));
        });
        kubeconfig = Files.createTempFile("podtally-deployment", ".yaml");
        Files.writeString(kubeconfig, SimulatedCluster.kubeconfigYaml(clusters));
        Map<String, String> all = new LinkedHashMap<>();
        all.put("podtally.clusters.kubeconfig", kubeconfig.toString());
        all.put("podtally.demo.enabled", "false");
        if (onRedis) {
            all.put("podtally.store", redisLater ? "auto" : "redis");
            all.put("spring.data.redis.host", "127.0.0.1");
            all.put("spring.data.redis.port", Integer.toString(redis.port()));
            if (redisPassword != null) {
                all.put("spring.data.redis.password", redisPassword);
            }
        } else {
            all.put("podtally.store", "memory");
        }
        all.putAll(properties);
        replicaProperties.putAll(all);
        for (int i = 0; i < replicaCount; i++) {
            replicas.add(Replica.start(all));
        }
        for (Replica replica : replicas) {
            for (String name : clusters.keySet()) {
                if (!unavailable.contains(name) && !forbidden.contains(name)) {
                    await().atMost(SYNC_LIMIT).until(() -> "synced".equals(replica.informerState(name)));
                }
            }
        }
    }

    /** The redis-server the replicas share. */
    RedisServer redis() {
        if (redis == null) {
            throw new IllegalStateException(onRedis ? "not started" : "this deployment keeps pod counts in memory");
        }
        return redis;
    }

    /** The one simulated cluster. */
    SimulatedCluster cluster() {
        if (clusters.size() != 1) {
            throw new IllegalStateException("the deployment serves " + clusters.keySet() + ": name one");
        }
        return clusters.values().iterator().next();
    }

    /** The simulated cluster served as {@code name}. */
    SimulatedCluster cluster(String name) {
        SimulatedCluster sim = clusters.get(name);
        if (sim == null) {
            throw new IllegalArgumentException("no simulated cluster " + name + " in " + clusters.keySet());
        }
        return sim;
    }

    /** Every replica, in start order. */
    List<Replica> replicas() {
        return List.copyOf(replicas);
    }

    /** The properties every replica starts with: the clusters, the store and those set with {@link #property}. */
    Map<String, String> replicaProperties() {
        return Map.copyOf(replicaProperties);
    }

    /** Starts one more replica with the deployment's properties; it is stopped with the others. */
    Replica addReplica() {
        Replica replica = Replica.start(replicaProperties);
        replicas.add(replica);
        return replica;
    }

    /** Stops {@code replica} before the deployment ends. */
    void removeReplica(Replica replica) {
        if (replicas.remove(replica)) {
            replica.close();
        }
    }

    /** The first replica. */
    Replica replica() {
        if (replicas.isEmpty()) {
            throw new IllegalStateException("no replica running: register the deployment as a static field");
        }
        return replicas.get(0);
    }

    /** The first replica's API. */
    ApiClient api() {
        return replica().api();
    }
}
