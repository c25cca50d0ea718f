package io.podtally.k8s.sim;

import java.util.Map;

/**
 * The compact state of one simulated node.
 *
 * @param name node name
 * @param controlPlane whether it carries the control-plane role and taint
 * @param ready whether its {@code Ready} condition is {@code True}
 * @param unschedulable {@code spec.unschedulable} (cordoned)
 * @param extraLabels labels set by tests on top of the generated ones
 * @param seed drives every generated detail
 * @param cpuCores CPU capacity in cores
 * @param memoryKi memory capacity in KiB
 * @param maxPods pod capacity
 * @param createdEpochSecond {@code metadata.creationTimestamp}
 * @param resourceVersion {@code metadata.resourceVersion}
 */
record SimNode(
        String name,
        boolean controlPlane,
        boolean ready,
        boolean unschedulable,
        Map<String, String> extraLabels,
        long seed,
        int cpuCores,
        long memoryKi,
        int maxPods,
        long createdEpochSecond,
        long resourceVersion) {

    SimNode {
        extraLabels = Map.copyOf(extraLabels);
    }

    SimNode withReady(boolean value, long rv) {
        return new SimNode(name, controlPlane, value, unschedulable, extraLabels, seed, cpuCores, memoryKi, maxPods,
                createdEpochSecond, rv);
    }

    SimNode withUnschedulable(boolean value, long rv) {
        return new SimNode(name, controlPlane, ready, value, extraLabels, seed, cpuCores, memoryKi, maxPods,
                createdEpochSecond, rv);
    }

    SimNode withLabels(Map<String, String> labels, long rv) {
        return new SimNode(name, controlPlane, ready, unschedulable, labels, seed, cpuCores, memoryKi, maxPods,
                createdEpochSecond, rv);
    }
}
