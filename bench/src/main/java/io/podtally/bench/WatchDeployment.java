package io.podtally.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.podtally.cache.redis.RedisServer;
import io.podtally.k8s.sim.SimulatedCluster;

/**
 * One deployment of the watch-mode benchmark: a simulated cluster, a redis-server of its own on a free port and
 * replicas (JVMs of their own) in one pod-count mode, every other setting at its production default.
 */
final class WatchDeployment implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WatchDeployment.class);

    private final String name;
    private final String cluster;
    private final SimulatedCluster sim;
    private final RedisServer redis;
    private final List<Replica> replicas = new ArrayList<>();
    private final Path kubeconfig;
    private final Path workDir;

    private WatchDeployment(String name, String cluster, SimulatedCluster sim, RedisServer redis, Path kubeconfig,
            Path workDir) {
        this.name = name;
        this.cluster = cluster;
        this.sim = sim;
        this.redis = redis;
        this.kubeconfig = kubeconfig;
        this.workDir = workDir;
    }

    /** Starts the cluster and the Redis; no replica yet. */
    static WatchDeployment prepare(String name, String cluster, SimulatedCluster.Builder builder, Path workDir)
            throws IOException {
        Files.createDirectories(workDir);
        SimulatedCluster sim = builder.start();
        RedisServer redis;
        try {
            redis = RedisServer.start(workDir.resolve(name + "-redis.log"));
        } catch (RuntimeException e) {
            sim.close();
            throw e;
        }
        Path kubeconfig = sim.writeKubeconfig(workDir.resolve(name + "-kubeconfig"), cluster);
        log.info("{}: cluster {} ({} pods) on {}, redis on port {}", name, cluster, sim.activePods(), sim.url(),
                redis.port());
        return new WatchDeployment(name, cluster, sim, redis, kubeconfig, workDir);
    }

    /** Starts {@code count} replicas in {@code mode} ({@code watch} or {@code paginated}) and waits until they serve. */
    List<Replica> start(int count, String mode, String heap, WatchBenchClient client, List<String> extra)
            throws IOException, InterruptedException {
        List<Replica> started = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String replica = name + "-" + mode + "-r" + (replicas.size() + 1);
            List<String> properties = new ArrayList<>(List.of(
                    "podtally.clusters.kubeconfig=" + kubeconfig,
                    "podtally.clusters.in-cluster=false",
                    "podtally.store=redis",
                    "spring.data.redis.host=127.0.0.1",
                    "spring.data.redis.port=" + redis.port(),
                    "podtally.podcounts.mode=" + mode,
                    "podtally.demo.enabled=off"));
            properties.addAll(extra);
            Replica started1 = Replica.start(replica, Design.PODTALLY, properties, heap,
                    workDir.resolve(replica + ".log"));
            replicas.add(started1);
            started.add(started1);
        }
        client.awaitServing(started, Duration.ofMinutes(4));
        return started;
    }

    /** Stops the replicas, keeps the cluster and the Redis. */
    void stopReplicas() throws InterruptedException {
        replicas.forEach(Replica::stop);
        for (Replica replica : replicas) {
            replica.close();
        }
        replicas.clear();
    }

    String cluster() {
        return cluster;
    }

    SimulatedCluster sim() {
        return sim;
    }

    Path kubeconfig() {
        return kubeconfig;
    }

    RedisServer redis() {
        return redis;
    }

    List<Replica> replicas() {
        return List.copyOf(replicas);
    }

    /** {@code total_net_input_bytes} of the Redis: every byte its clients sent it. */
    long redisInputBytes() {
        return RedisInfo.field(redis.cli("INFO", "stats"), "total_net_input_bytes");
    }

    @Override
    public void close() throws InterruptedException {
        try {
            stopReplicas();
        } finally {
            redis.close();
            sim.close();
        }
    }

    /** Reads fields of {@code INFO}. */
    static final class RedisInfo {

        private RedisInfo() {
        }

        static long field(String info, String name) {
            for (String line : info.split("\\R")) {
                if (line.startsWith(name + ":")) {
                    return Long.parseLong(line.substring(name.length() + 1).trim());
                }
            }
            throw new IllegalStateException("no " + name + " in INFO");
        }
    }
}
