package io.podtally.k8s.sim;

import java.util.Comparator;

/**
 * The compact state of one simulated pod; the full JSON document is rendered from it on demand.
 *
 * @param namespace namespace
 * @param name pod name
 * @param app the workload's name
 * @param workload the kind of workload that owns the pod
 * @param nodeName {@code spec.nodeName}, or {@code null} while unscheduled
 * @param phase {@code status.phase}
 * @param seed drives every generated detail (ids, images, addresses)
 * @param createdEpochSecond {@code metadata.creationTimestamp}
 * @param resourceVersion {@code metadata.resourceVersion}
 */
record SimPod(
        String namespace,
        String name,
        String app,
        Workload workload,
        String nodeName,
        Phase phase,
        long seed,
        long createdEpochSecond,
        long resourceVersion) {

    /** The order in which the API server lists pods: by namespace, then name. */
    static final Comparator<SimPod> ORDER = Comparator.comparing(SimPod::namespace).thenComparing(SimPod::name);

    boolean active() {
        return phase == Phase.PENDING || phase == Phase.RUNNING;
    }

    boolean scheduled() {
        return nodeName != null;
    }

    String key() {
        return namespace + "/" + name;
    }

    SimPod withPhase(Phase newPhase, long newResourceVersion) {
        return new SimPod(namespace, name, app, workload, nodeName, newPhase, seed, createdEpochSecond, newResourceVersion);
    }

    SimPod onNode(String node, Phase newPhase, long newResourceVersion) {
        return new SimPod(namespace, name, app, workload, node, newPhase, seed, createdEpochSecond, newResourceVersion);
    }

    static SimPod probe(String namespace, String name) {
        return new SimPod(namespace, name, null, null, null, null, 0, 0, 0);
    }

    /** The kinds of workload that own pods. */
    enum Workload {
        DEPLOYMENT, DAEMON_SET, STATEFUL_SET, JOB
    }

    /** Pod phases, with their API names. */
    enum Phase {
        PENDING("Pending"), RUNNING("Running"), SUCCEEDED("Succeeded"), FAILED("Failed");

        private final String apiName;

        Phase(String apiName) {
            this.apiName = apiName;
        }

        String apiName() {
            return apiName;
        }
    }
}
