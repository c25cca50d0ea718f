package io.podtally.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.podtally.k8s.sim.RequestKind;
import io.podtally.k8s.sim.SimulatedCluster;

/** The two simulated clusters of a run, served from the benchmark JVM on 127.0.0.1. */
final class SimulatedClusters implements AutoCloseable {

    static final String INCIDENT = "incident";
    static final String LARGE = "large";

    private static final Logger log = LoggerFactory.getLogger(SimulatedClusters.class);

    private final Sim incident;
    private final Sim large;

    private SimulatedClusters(Sim incident, Sim large) {
        this.incident = incident;
        this.large = large;
    }

    /** The seed's incident cluster and the large one, both with {@code pageLatency} per pod page. */
    static SimulatedClusters start(Duration pageLatency) {
        long started = System.nanoTime();
        SimulatedCluster incident = SimulatedCluster.incident().seed(7).pageLatency(pageLatency).start();
        SimulatedCluster large = null;
        try {
            large = SimulatedCluster.large().seed(11).pageLatency(pageLatency).start();
        } finally {
            if (large == null) {
                incident.close();
            }
        }
        log.info("simulated clusters up in {} ms", Duration.ofNanos(System.nanoTime() - started).toMillis());
        return new SimulatedClusters(new Sim(INCIDENT, incident), new Sim(LARGE, large));
    }

    Sim incident() {
        return incident;
    }

    Sim large() {
        return large;
    }

    /** Sets the page latency of both clusters. */
    void pageLatency(Duration latency) {
        incident.cluster.pageLatency(latency);
        large.cluster.pageLatency(latency);
    }

    /** A kubeconfig with a context per cluster. */
    Path writeKubeconfig(Path file) throws IOException {
        Map<String, SimulatedCluster> contexts = new LinkedHashMap<>();
        contexts.put(INCIDENT, incident.cluster);
        contexts.put(LARGE, large.cluster);
        return Files.writeString(file, SimulatedCluster.kubeconfigYaml(contexts), StandardCharsets.UTF_8);
    }

    /** A kubeconfig with the one context of {@code sim}. */
    static Path writeKubeconfig(Sim sim, Path file) throws IOException {
        return Files.writeString(file, sim.cluster.kubeconfigYaml(sim.name), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        incident.cluster.close();
        large.cluster.close();
    }

    /** One simulated cluster under a context name. */
    static final class Sim implements ClusterUnderTest {
        private final String name;
        private final SimulatedCluster cluster;
        private final int nodes;
        private final long activePods;

        Sim(String name, SimulatedCluster cluster) {
            this.name = name;
            this.cluster = cluster;
            this.nodes = cluster.nodeNames().size();
            this.activePods = cluster.activePods();
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int nodes() {
            return nodes;
        }

        @Override
        public long activePods() {
            return activePods;
        }

        @Override
        public long podListSequences() {
            return cluster.requestCounts().get(RequestKind.POD_LIST_SEQUENCES);
        }

        @Override
        public long podListPages() {
            return cluster.requestCounts().get(RequestKind.POD_LIST_PAGES);
        }

        /** Active pods per node as the cluster knows them (the right answer of a count). */
        Map<String, Integer> activePodsByNode() {
            return cluster.activePodsByNode();
        }
    }
}
