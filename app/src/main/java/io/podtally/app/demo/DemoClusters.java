package io.podtally.app.demo;

import io.fabric8.kubernetes.client.Config;
import io.podtally.app.config.DemoProperties.Preset;
import io.podtally.k8s.sim.SimulatedCluster;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulated clusters served in-process on free loopback ports, for the demo mode: podtally reaches them through the
 * same fabric8 clients as real clusters.
 */
public final class DemoClusters implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DemoClusters.class);
    private static final long START_LIMIT_SECONDS = 120;

    private final Map<String, SimulatedCluster> clusters;

    private DemoClusters(Map<String, SimulatedCluster> clusters) {
        this.clusters = clusters;
    }

    /** No simulated cluster: the demo is off. */
    public static DemoClusters none() {
        return new DemoClusters(Map.of());
    }

    /** Generates and starts one simulated cluster per preset, in parallel, each named after its preset. */
    public static DemoClusters start(List<Preset> presets) {
        long started = System.nanoTime();
        Map<String, CompletableFuture<SimulatedCluster>> starting = new LinkedHashMap<>();
        for (Preset preset : presets) {
            starting.put(preset.clusterName(), CompletableFuture.supplyAsync(() -> builder(preset).start()));
        }
        Map<String, SimulatedCluster> running = new LinkedHashMap<>();
        List<RuntimeException> failures = new ArrayList<>();
        starting.forEach((name, future) -> {
            try {
                running.put(name, future.orTimeout(START_LIMIT_SECONDS, TimeUnit.SECONDS).join());
            } catch (RuntimeException e) {
                failures.add(e);
            }
        });
        if (!failures.isEmpty()) {
            running.values().forEach(SimulatedCluster::close);
            IllegalStateException failure = new IllegalStateException("a simulated demo cluster did not start");
            failures.forEach(failure::addSuppressed);
            throw failure;
        }
        running.forEach((name, sim) -> log.info("Demo cluster '{}' simulated at {}: {} nodes, {} active pods",
                name, sim.url(), sim.nodeNames().size(), sim.activePods()));
        log.info("Demo clusters started in {} ms", (System.nanoTime() - started) / 1_000_000);
        return new DemoClusters(running);
    }

    private static SimulatedCluster.Builder builder(Preset preset) {
        return switch (preset) {
            case INCIDENT -> SimulatedCluster.incident();
            case LARGE -> SimulatedCluster.large();
        };
    }

    /** A client configuration per demo cluster, by name. */
    public Map<String, Config> configs() {
        Map<String, Config> configs = new LinkedHashMap<>();
        clusters.forEach((name, sim) -> configs.put(name, Config.fromKubeconfig(sim.kubeconfigYaml(name))));
        return configs;
    }

    /** The simulated clusters, by name. */
    public Map<String, SimulatedCluster> clusters() {
        return clusters;
    }

    @Override
    public void close() {
        clusters.values().forEach(SimulatedCluster::close);
    }
}
