package io.podtally.k8s.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Generates the nodes and pods of a simulated cluster from its spec, and the nodes and pods added
 * to it later, all from the spec's seed: the same seed gives the same cluster.
 */
final class ClusterGenerator {

    /**
     * A generated cluster.
     *
     * @param nodes the nodes by name
     * @param pods the pods in {@link SimPod#ORDER}
     * @param workers the number of worker nodes, which generated names continue from
     */
    record Generated(TreeMap<String, SimNode> nodes, TreeSet<SimPod> pods, int workers) {
    }

    private final long now;
    private final PodFactory factory;

    ClusterGenerator(ClusterSpec spec) {
        this.now = spec.now().getEpochSecond();
        this.factory = new PodFactory(spec.seed());
    }

    /** The cluster of {@code spec}, its objects dated up to {@code resourceVersion}. */
    Generated generate(ClusterSpec spec, long resourceVersion) {
        if (spec.nodes() == 0 && spec.activePods() > 0) {
            throw new IllegalArgumentException("active pods need at least one node");
        }
        SplittableRandom random = factory.random();
        int controlPlanes = spec.nodes() >= 10 ? 3 : 0;
        int workers = spec.nodes() - controlPlanes;
        int maxPods = (int) Math.max(110, spec.nodes() == 0 ? 0 : 3 * spec.activePods() / spec.nodes());
        List<SimNode> created = new ArrayList<>();
        for (int i = 1; i <= controlPlanes; i++) {
            created.add(node("control-plane-" + i, true, maxPods, resourceVersion));
        }
        int width = Math.max(4, Integer.toString(workers).length());
        for (int i = 1; i <= workers; i++) {
            created.add(node("node-" + String.format("%0" + width + "d", i), false, maxPods, resourceVersion));
        }
        TreeMap<String, SimNode> nodes = new TreeMap<>();
        created.forEach(n -> nodes.put(n.name(), n));
        TreeSet<SimPod> pods = new TreeSet<>(SimPod.ORDER);

        double[] weights = new double[created.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = created.get(i).controlPlane() ? 0.15 : 0.4 + 1.2 * random.nextDouble();
        }
        int empty = (int) Math.round(workers * spec.emptyNodeShare());
        for (int i = 0; i < empty; i++) {
            weights[controlPlanes + random.nextInt(workers)] = 0;
        }
        if (Arrays.stream(weights).sum() == 0) {
            Arrays.fill(weights, 1);
        }
        double[] cumulative = new double[weights.length];
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            sum += weights[i];
            cumulative[i] = sum;
        }
        for (long i = 0; i < spec.activePods(); i++) {
            int index = Arrays.binarySearch(cumulative, random.nextDouble() * sum);
            SimNode node = created.get(Math.min(index < 0 ? -index - 1 : index, created.size() - 1));
            SimPod.Phase phase = random.nextInt(100) == 0 ? SimPod.Phase.PENDING : SimPod.Phase.RUNNING;
            addPod(pods, factory.activeWorkload(node.controlPlane()), node.name(), phase, resourceVersion);
        }
        for (long i = Math.round(spec.activePods() * spec.unscheduledShare()); i > 0; i--) {
            addPod(pods, SimPod.Workload.DEPLOYMENT, null, SimPod.Phase.PENDING, resourceVersion);
        }
        for (long i = Math.round(spec.activePods() * spec.succeededShare()); i > 0 && !created.isEmpty(); i--) {
            addPod(pods, SimPod.Workload.JOB, created.get(random.nextInt(created.size())).name(),
                    SimPod.Phase.SUCCEEDED, resourceVersion);
        }
        for (long i = Math.round(spec.activePods() * spec.failedShare()); i > 0 && !created.isEmpty(); i--) {
            addPod(pods, SimPod.Workload.DEPLOYMENT, created.get(random.nextInt(created.size())).name(),
                    SimPod.Phase.FAILED, resourceVersion);
        }
        return new Generated(nodes, pods, workers);
    }

    /** A worker node that joins the cluster now, at {@code resourceVersion}. */
    SimNode newWorker(String name, int maxPods, long resourceVersion) {
        SimNode node = node(name, false, maxPods, resourceVersion);
        return new SimNode(node.name(), false, true, false, Map.of(), node.seed(), node.cpuCores(), node.memoryKi(),
                node.maxPods(), now, resourceVersion);
    }

    /** A Deployment's pod created now, at {@code resourceVersion}, unique within {@code existing}. */
    SimPod newPod(NavigableSet<SimPod> existing, String nodeName, SimPod.Phase phase, long resourceVersion) {
        return factory.create(existing, SimPod.Workload.DEPLOYMENT, nodeName, phase, now, resourceVersion);
    }

    private void addPod(TreeSet<SimPod> pods, SimPod.Workload workload, String node, SimPod.Phase phase,
            long resourceVersion) {
        SplittableRandom random = factory.random();
        long createdAt = now - random.nextLong(30L * 86_400);
        pods.add(factory.create(pods, workload, node, phase, createdAt, resourceVersion - random.nextInt(900)));
    }

    private SimNode node(String name, boolean controlPlane, int maxPods, long resourceVersion) {
        SplittableRandom random = factory.random();
        int cores = controlPlane ? 4 : new int[] {8, 16, 16, 32}[random.nextInt(4)];
        long memoryKi = cores * 4L * 1024 * 1024 - 180_000;
        long created = now - 86_400L * (30 + random.nextInt(370));
        return new SimNode(name, controlPlane, true, false, Map.of(), random.nextLong(), cores, memoryKi, maxPods,
                created, resourceVersion - random.nextInt(900));
    }
}
