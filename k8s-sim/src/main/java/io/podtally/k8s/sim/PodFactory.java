package io.podtally.k8s.sim;

import java.util.HashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.SplittableRandom;

/** Names and shapes new pods like the controllers of a real cluster do. */
final class PodFactory {

    private record App(String namespace, String name) {
    }

    private static final App[] DAEMON_SETS = {
        new App("kube-system", "kube-proxy"), new App("kube-system", "calico-node"),
        new App("kube-system", "pdcsi-node"), new App("monitoring", "node-exporter"),
        new App("logging", "fluent-bit"),
    };
    private static final App[] STATEFUL_SETS = {
        new App("monitoring", "prometheus-k8s"), new App("logging", "loki"), new App("data", "postgres"),
        new App("data", "redis"), new App("data", "kafka"), new App("search", "elasticsearch"),
    };
    private static final App[] DEPLOYMENTS = {
        new App("kube-system", "coredns"), new App("kube-system", "metrics-server"),
        new App("ingress-nginx", "ingress-nginx-controller"), new App("monitoring", "grafana"),
        new App("monitoring", "kube-state-metrics"), new App("shop", "frontend"), new App("shop", "cart-api"),
        new App("shop", "checkout-api"), new App("shop", "catalog-api"), new App("payments", "payments-api"),
        new App("payments", "fraud-scoring"), new App("payments", "ledger-worker"), new App("search", "search-api"),
        new App("search", "indexer"), new App("identity", "auth-api"), new App("identity", "session-proxy"),
        new App("orders", "orders-api"), new App("orders", "fulfilment-worker"),
        new App("notifications", "email-sender"), new App("notifications", "push-gateway"),
        new App("analytics", "event-collector"), new App("analytics", "stream-aggregator"),
        new App("ml-serving", "recommender"), new App("ml-serving", "ranking-model"),
        new App("media", "image-resizer"), new App("media", "thumbnailer"),
    };
    private static final App[] JOBS = {
        new App("batch", "nightly-report"), new App("batch", "invoice-export"), new App("batch", "db-backup"),
        new App("analytics", "hourly-rollup"),
    };

    private final SplittableRandom random;
    private final long seed;
    private final Map<String, Integer> ordinals = new HashMap<>();

    PodFactory(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed ^ 0x5DEECE66DL);
    }

    SplittableRandom random() {
        return random;
    }

    /** A workload kind for an active pod on a node of the given role. */
    SimPod.Workload activeWorkload(boolean controlPlane) {
        if (controlPlane) {
            return SimPod.Workload.DAEMON_SET;
        }
        int r = random.nextInt(100);
        return r < 12 ? SimPod.Workload.DAEMON_SET : r < 18 ? SimPod.Workload.STATEFUL_SET : SimPod.Workload.DEPLOYMENT;
    }

    /** A new pod, unique within {@code existing} (which it is not added to). */
    SimPod create(NavigableSet<SimPod> existing, SimPod.Workload workload, String nodeName, SimPod.Phase phase,
            long createdEpochSecond, long resourceVersion) {
        App app = switch (workload) {
            case DAEMON_SET -> DAEMON_SETS[random.nextInt(DAEMON_SETS.length)];
            case STATEFUL_SET -> STATEFUL_SETS[random.nextInt(STATEFUL_SETS.length)];
            case JOB -> JOBS[random.nextInt(JOBS.length)];
            default -> DEPLOYMENTS[random.nextInt(DEPLOYMENTS.length)];
        };
        while (true) {
            String name = switch (workload) {
                case DAEMON_SET -> app.name() + "-" + SimJson.randomName(random, 5);
                case STATEFUL_SET -> app.name() + "-" + ordinals.merge(app.namespace() + "/" + app.name(), 1, Integer::sum);
                case JOB -> app.name() + "-" + (29_000_000 + random.nextInt(100_000)) + "-" + SimJson.randomName(random, 5);
                default -> app.name() + "-" + replicaSetHash(app) + "-" + SimJson.randomName(random, 5);
            };
            SimPod pod = new SimPod(app.namespace(), name, app.name(), workload, nodeName, phase, random.nextLong(),
                    createdEpochSecond, resourceVersion);
            if (!existing.contains(pod)) {
                return pod;
            }
        }
    }

    private String replicaSetHash(App app) {
        return SimJson.randomName(new SplittableRandom(seed * 31 + app.name().hashCode()), 10);
    }
}
