package io.podtally.bench;

/** A simulated cluster the replicas are pointed at, with the API server's request counters. */
interface ClusterUnderTest {

    /** The cluster's name (its kubeconfig context). */
    String name();

    /** Nodes in the cluster. */
    int nodes();

    /** Active pods in the cluster. */
    long activePods();

    /** Pod LIST sequences started so far (a first page without a {@code continue} token). */
    long podListSequences();

    /** Pod LIST pages served so far. */
    long podListPages();
}
