package io.podtally.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.podtally.bench.inprocess.PodInformerHeapMain;

/**
 * The heap per tracked pod on the large cluster: the same replica (one, alone on its Redis, serving only that
 * cluster) in paginated mode, then as the watch lease holder, each with its counts loaded; used heap after two full
 * collections ({@code jcmd GC.run}), {@link #READINGS} readings a few seconds apart, the median kept. The difference
 * divided by the active pods is what the watch holds per pod. The baseline: fabric8's default pod informer in a JVM
 * of its own ({@link PodInformerHeapMain}), used heap after GC with the informer synced minus before the client,
 * divided by the pods it holds.
 */
final class WatchHeap {

    static final int READINGS = 3;

    private static final Logger log = LoggerFactory.getLogger(WatchHeap.class);

    private final WatchDeployment deployment;
    private final WatchBenchClient client;
    private final Path workDir;

    WatchHeap(WatchDeployment deployment, WatchBenchClient client, Path workDir) {
        this.deployment = deployment;
        this.client = client;
        this.workDir = workDir;
    }

    record Result(long activePods, int totalPods, long paginatedBytes, long watchBytes, long informerBytes,
            long informerPods, String replicaHeap, String informerHeap) {

        double watchPerPod() {
            return (double) (watchBytes - paginatedBytes) / activePods;
        }

        double informerPerPod() {
            return (double) informerBytes / informerPods;
        }
    }

    Result run(String heap, String informerHeap) throws IOException, InterruptedException {
        String cluster = deployment.cluster();
        String anyNode = deployment.sim().nodeNames().get(0);
        long paginated = measure("paginated", heap, () -> client.countState(first(), cluster, anyNode)
                .startsWith("fresh/"));
        deployment.redis().cli("FLUSHALL");
        long watch = measure("watch", heap, () -> "watching".equals(client.watchState(first(), cluster))
                && client.countState(first(), cluster, anyNode).equals("fresh/informer"));
        Properties informer = ChildJvm.run(PodInformerHeapMain.class, List.of("-Xms" + informerHeap,
                "-Xmx" + informerHeap), List.of(deployment.kubeconfig().toString(), cluster), workDir,
                "pod-informer-heap", Duration.ofMinutes(10));
        long informerBytes = Long.parseLong(informer.getProperty("loadedBytes"))
                - Long.parseLong(informer.getProperty("baselineBytes"));
        return new Result(deployment.sim().activePods(), deployment.sim().totalPods(), paginated, watch,
                informerBytes, Long.parseLong(informer.getProperty("pods")), heap, informerHeap);
    }

    private Replica first() {
        return deployment.replicas().get(0);
    }

    private long measure(String mode, String heap, java.util.function.BooleanSupplier loaded)
            throws IOException, InterruptedException {
        deployment.start(1, mode, heap, client, List.of());
        try {
            // a request makes the paginated replica count (and is harmless in watch mode)
            client.countState(first(), deployment.cluster(), deployment.sim().nodeNames().get(0));
            if (!WatchBenchClient.await(Duration.ofMinutes(5), loaded)) {
                throw new IOException(mode + " replica did not load the counts of " + deployment.cluster()
                        + " within 5 min");
            }
            List<Long> readings = new ArrayList<>();
            for (int i = 0; i < READINGS; i++) {
                Thread.sleep(2_000);
                readings.add(client.usedHeapAfterGc(first()));
            }
            Collections.sort(readings);
            log.info("heap of the {} replica after GC: {}", mode, readings);
            return readings.get(READINGS / 2);
        } finally {
            deployment.stopReplicas();
        }
    }

    static String render(Result result) {
        MarkdownTable table = new MarkdownTable("what", "used heap after GC", "bytes per pod", "ratio");
        double watch = result.watchPerPod();
        double informer = result.informerPerPod();
        table.row("replica, paginated mode", mib(result.paginatedBytes()), "—", "—");
        table.row("the same replica as the watch holder", mib(result.watchBytes()),
                String.format(Locale.ROOT, "**%.0f B** (difference ÷ %,d active pods)", watch, result.activePods()),
                "1");
        table.row("fabric8's default pod informer (baseline, own JVM)", mib(result.informerBytes()) + " above the"
                + " JVM's idle heap", String.format(Locale.ROOT, "%,.0f B (÷ %,d pods it holds)", informer,
                        result.informerPods()),
                watch > 0 ? String.format(Locale.ROOT, "%.0f × the watch", informer / watch) : "—");
        return table.render() + String.format(Locale.ROOT, "%nThe cluster has %,d pods, %,d of them active (the "
                + "watch tracks the active ones, the informer holds every pod). Replica -Xmx%s, informer -Xmx%s; "
                + "median of %d readings each.%n", result.totalPods(), result.activePods(), result.replicaHeap(),
                result.informerHeap(), READINGS);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
