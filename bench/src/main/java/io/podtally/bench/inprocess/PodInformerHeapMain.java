package io.podtally.bench.inprocess;

import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * The baseline of the watch's heap: fabric8's default pod informer ({@code pods().inAnyNamespace().inform()}, full
 * {@link Pod} objects in its indexer), listing in pages of 1000, in a JVM of its own. Used heap after a full GC before the client and after
 * the informer synced.
 *
 * <p>Arguments: kubeconfig with one context, the context, output properties file.
 */
public final class PodInformerHeapMain {

    private static final Logger log = LoggerFactory.getLogger(PodInformerHeapMain.class);
    /** Pods per list page, as the watch's own list pages them (one response of every pod would not fit the heap). */
    private static final long LIMIT = 1000;

    private PodInformerHeapMain() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Path kubeconfig = Path.of(args[0]);
        String context = args[1];
        Path output = Path.of(args[2]);
        Properties results = new Properties();
        long baseline = usedAfterGc();
        Config config = Config.fromKubeconfig(context, Files.readString(kubeconfig, StandardCharsets.UTF_8),
                kubeconfig.toString());
        config.setRequestTimeout(120_000);
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
            long started = System.nanoTime();
            try (SharedIndexInformer<Pod> informer = client.pods().inAnyNamespace().withLimit(LIMIT).inform()) {
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
                while (!informer.hasSynced() && System.nanoTime() < deadline) {
                    TimeUnit.MILLISECONDS.sleep(100);
                }
                if (!informer.hasSynced()) {
                    throw new IllegalStateException("the pod informer did not sync within 5 min");
                }
                long syncMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                long loaded = usedAfterGc();
                int pods = informer.getStore().list().size();
                results.setProperty("pods", Integer.toString(pods));
                results.setProperty("baselineBytes", Long.toString(baseline));
                results.setProperty("loadedBytes", Long.toString(loaded));
                results.setProperty("syncMillis", Long.toString(syncMillis));
                log.info("{}: fabric8 pod informer holds {} pods, {} bytes after GC above the baseline", context, pods,
                        loaded - baseline);
            }
        }
        try (Writer writer = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
            results.store(writer, "heap of fabric8's default pod informer");
        }
    }

    private static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            TimeUnit.MILLISECONDS.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
