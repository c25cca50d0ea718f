package io.podtally.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.podtally.k8s.sim.RequestCounts;
import io.podtally.k8s.sim.RequestKind;
import io.podtally.k8s.sim.SimulatedCluster;

/**
 * The API server's load of each mode over the same period: a deployment in watch mode and one in paginated mode,
 * each with its own simulated cluster (the same one: same size, same seed) and its own Redis, run at the same time.
 * Both see the same pod churn (one pod added or deleted a second, same nodes) and the same readers (every replica
 * asked for the node list every {@link #READ_EVERY}, in turn), every setting at its production default. The request
 * counts run from just before the replicas start to the end of the period.
 */
final class WatchApiLoad {

    static final Duration READ_EVERY = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(WatchApiLoad.class);

    private final WatchDeployment watch;
    private final WatchDeployment paginated;
    private final WatchBenchClient client;

    WatchApiLoad(WatchDeployment watch, WatchDeployment paginated, WatchBenchClient client) {
        this.watch = watch;
        this.paginated = paginated;
        this.client = client;
    }

    /** What one deployment cost its API server. */
    record Load(String mode, int replicas, long listSequences, long listPages, long podsListed, long watches,
            long requests) {
    }

    record Result(Duration period, Duration startUp, List<Load> loads, long changes, long reads) {
    }

    Result run(int replicas, String heap, Duration period) throws IOException, InterruptedException {
        watch.sim().resetRequestCounts();
        paginated.sim().resetRequestCounts();
        long startAt = System.nanoTime();
        watch.start(replicas, "watch", heap, client, List.of());
        paginated.start(replicas, "paginated", heap, client, List.of());
        Duration startUp = Duration.ofNanos(System.nanoTime() - startAt);
        log.info("API load: both deployments serve after {} s; {} of churn and reads", startUp.toSeconds(), period);
        List<String> nodes = watch.sim().nodeNames();
        SplittableRandom random = new SplittableRandom(7);
        long end = System.nanoTime() + period.toNanos();
        long changes = 0;
        long reads = 0;
        int turn = 0;
        List<Replica> watchReplicas = watch.replicas();
        List<Replica> paginatedReplicas = paginated.replicas();
        while (System.nanoTime() < end) {
            long tickEnd = System.nanoTime() + READ_EVERY.toNanos();
            String node = nodes.get(random.nextInt(nodes.size()));
            boolean add = random.nextBoolean() || watch.sim().activePodsByNode().getOrDefault(node, 0) == 0;
            for (SimulatedCluster sim : List.of(watch.sim(), paginated.sim())) {
                if (add) {
                    sim.addPods(node, 1);
                } else {
                    sim.removePods(node, 1);
                }
            }
            changes++;
            read(watchReplicas.get(turn % watchReplicas.size()), watch.cluster(), node);
            read(paginatedReplicas.get(turn % paginatedReplicas.size()), paginated.cluster(), node);
            reads += 2;
            turn++;
            long wait = tickEnd - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
        }
        List<Load> loads = new ArrayList<>();
        loads.add(load("watch", replicas, watch.sim()));
        loads.add(load("paginated", replicas, paginated.sim()));
        return new Result(period, startUp, loads, changes, reads);
    }

    private void read(Replica replica, String cluster, String node) throws InterruptedException {
        try {
            client.podCount(replica, cluster, node);
        } catch (IOException e) {
            log.debug("{}: {}", replica.name(), e.toString());
        }
    }

    private static Load load(String mode, int replicas, SimulatedCluster sim) {
        RequestCounts counts = sim.requestCounts();
        return new Load(mode, replicas, counts.get(RequestKind.POD_LIST_SEQUENCES),
                counts.get(RequestKind.POD_LIST_PAGES), sim.podsListed(), counts.get(RequestKind.POD_WATCHES),
                counts.total());
    }

    static String render(Result result) {
        MarkdownTable table = new MarkdownTable("mode", "replicas", "pod LISTs (first pages)", "pod list pages",
                "pods listed", "pod watches opened", "all API requests");
        for (Load load : result.loads()) {
            table.row(load.mode(), load.replicas(), load.listSequences(), load.listPages(),
                    String.format(Locale.ROOT, "%,d", load.podsListed()), load.watches(), load.requests());
        }
        Load watch = result.loads().get(0);
        Load paginated = result.loads().get(1);
        return table.render() + String.format(Locale.ROOT, "%nPeriod %d s of churn and reads after a start-up of "
                + "%d s (counted from before the replicas started): %d pod changes and %d node-list reads per "
                + "deployment. Pods listed, paginated ÷ watch: %s.%n",
                result.period().toSeconds(), result.startUp().toSeconds(), result.changes(), result.reads() / 2,
                watch.podsListed() == 0 ? "—" : String.format(Locale.ROOT, "%.1f",
                        (double) paginated.podsListed() / watch.podsListed()));
    }
}
