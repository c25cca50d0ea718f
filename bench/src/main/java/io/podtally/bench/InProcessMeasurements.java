package io.podtally.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.podtally.bench.inprocess.ClientCostMain;
import io.podtally.bench.inprocess.HeapMain;
import io.podtally.bench.inprocess.RefreshHeapMain;

/**
 * The client cost of a refresh, the heap held per cluster and the heap a refresh holds while it runs, each
 * measured in a JVM of its own.
 */
final class InProcessMeasurements {

    private static final Logger log = LoggerFactory.getLogger(InProcessMeasurements.class);

    private InProcessMeasurements() {
    }

    static void run(Settings settings, SimulatedClusters sims, Path workDir, Results results)
            throws IOException, InterruptedException {
        List<SimulatedClusters.Sim> clusters = settings.isQuick() ? List.of(sims.incident())
                : List.of(sims.incident(), sims.large());
        sims.pageLatency(Duration.ZERO);
        try {
            for (SimulatedClusters.Sim sim : clusters) {
                Path kubeconfig = SimulatedClusters.writeKubeconfig(sim, workDir.resolve("kubeconfig-" + sim.name()));
                clientCost(settings, sim, kubeconfig, workDir, results);
                heap(sim, kubeconfig, workDir, results);
                refreshHeap(settings, sim, kubeconfig, workDir, results);
            }
        } finally {
            sims.pageLatency(settings.pageLatency());
        }
    }

    private static void clientCost(Settings settings, SimulatedClusters.Sim sim, Path kubeconfig, Path workDir,
            Results results) throws IOException, InterruptedException {
        int warmUps = settings.isQuick() ? 1 : sim.activePods() > 10_000 ? 2 : 10;
        int rounds = settings.isQuick() ? 1 : 3;
        Properties p = ChildJvm.run(ClientCostMain.class, List.of("-Xmx1g"),
                List.of(kubeconfig.toString(), sim.name(), Integer.toString(warmUps), Integer.toString(rounds)),
                workDir, "client-cost-" + sim.name(), Duration.ofMinutes(20));
        for (ClientCostMain.Approach approach : ClientCostMain.Approach.values()) {
            String key = approach.key();
            long counted = Long.parseLong(p.getProperty(key + ".counted"));
            if (approach.counts() && counted != sim.activePods()) {
                results.notes.add(String.format("client cost, %s, %s: counted %d scheduled active pods, the cluster has %d",
                        sim.name(), key, counted, sim.activePods()));
            }
            long processCpu = Long.parseLong(p.getProperty(key + ".processCpuNanos"));
            long pods = Long.parseLong(p.getProperty(key + ".pods"));
            results.clientCost.add(new Results.ClientCost(sim.name(), approach.label(), pods,
                    Integer.parseInt(p.getProperty(key + ".pages")),
                    Duration.ofNanos(Long.parseLong(p.getProperty(key + ".threadCpuNanos"))),
                    Long.parseLong(p.getProperty(key + ".allocatedBytes")),
                    Long.parseLong(p.getProperty(key + ".wallNanos")) / 1_000_000, Duration.ofNanos(processCpu),
                    Long.parseLong(p.getProperty(key + ".gcMillis"))));
        }
    }

    private static void heap(SimulatedClusters.Sim sim, Path kubeconfig, Path workDir, Results results)
            throws IOException, InterruptedException {
        Properties p = ChildJvm.run(HeapMain.class,
                List.of("-Xmx1g", "-Djdk.attach.allowAttachSelf=true", "-Djol.magicFieldOffset=true"), List.of(kubeconfig.toString(), sim.name()),
                workDir, "heap-" + sim.name(), Duration.ofMinutes(5));
        String nodes = p.getProperty("nodes");
        results.heap.add(new Results.HeapHeld(sim.name(), "whole cluster entry: client, node informer (" + nodes
                + " nodes), metrics (" + p.getProperty("metrics") + ")",
                Long.parseLong(p.getProperty("clusterGcDeltaBytes")), "used heap after full GC, with minus without"));
        results.heap.add(new Results.HeapHeld(sim.name(), "node views served (" + nodes + ")",
                Long.parseLong(p.getProperty("nodeViewsBytes")), "JOL retained size"));
        results.heap.add(new Results.HeapHeld(sim.name(), "pod-count snapshot of " + nodes + " nodes (in-memory store)",
                Long.parseLong(p.getProperty("countSnapshotBytes")), "JOL retained size"));
        log.info("heap of {} measured", sim.name());
    }

    private static void refreshHeap(Settings settings, SimulatedClusters.Sim sim, Path kubeconfig, Path workDir,
            Results results) throws IOException, InterruptedException {
        int seconds = settings.isQuick() ? 3 : 10;
        Properties p = ChildJvm.run(RefreshHeapMain.class, List.of("-Xmx1g"),
                List.of(kubeconfig.toString(), sim.name(), Integer.toString(seconds)), workDir,
                "refresh-heap-" + sim.name(), Duration.ofMinutes(5));
        for (ClientCostMain.Approach approach : List.of(ClientCostMain.Approach.COUNTER,
                ClientCostMain.Approach.FULL_PODS)) {
            String key = approach.key();
            String label = approach == ClientCostMain.Approach.COUNTER ? "podtally counter" : "full Pod objects, pages of 1000";
            String method = String.format("used heap after a forced full GC while counts run, minus idle; %s samples over %s counts",
                    p.getProperty(key + ".samples"), p.getProperty(key + ".counts"));
            results.heap.add(new Results.HeapHeld(sim.name(), "a refresh in progress, " + label + ": peak",
                    Long.parseLong(p.getProperty(key + ".peakBytes")), method));
            results.heap.add(new Results.HeapHeld(sim.name(), "a refresh in progress, " + label + ": median",
                    Long.parseLong(p.getProperty(key + ".medianBytes")), method));
        }
        log.info("refresh heap of {} measured", sim.name());
    }
}
