package io.podtally.k8s.sim;

import java.time.Instant;

/**
 * What a simulated cluster is generated from.
 *
 * @param nodes number of nodes
 * @param activePods scheduled pods in phase Pending or Running
 * @param unscheduledShare Pending pods without a node, as a share of {@code activePods}
 * @param succeededShare Succeeded pods, as a share of {@code activePods}
 * @param failedShare Failed pods, as a share of {@code activePods}
 * @param emptyNodeShare share of worker nodes that get no active pod
 * @param seed seed of every random choice
 * @param now the instant the cluster is generated at
 */
record ClusterSpec(
        int nodes,
        long activePods,
        double unscheduledShare,
        double succeededShare,
        double failedShare,
        double emptyNodeShare,
        long seed,
        Instant now) {
}
