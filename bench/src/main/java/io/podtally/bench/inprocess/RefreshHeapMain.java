package io.podtally.bench.inprocess;

import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.podtally.k8s.PodCountResult;
import io.podtally.k8s.PodCounterSettings;
import io.podtally.k8s.fabric8.Fabric8PodCounter;

/**
 * The heap a refresh keeps alive while it runs, measured in a JVM that runs nothing but the client:
 * one thread counts the cluster again and again, the main thread forces a full GC every few
 * milliseconds and reads the used heap after it. What a GC cannot free at that moment is what the
 * count in progress holds (its per-node totals, the page being read, the HTTP client's buffers).
 * The peak and the median of those samples, minus the used heap after a full GC before the counts,
 * are reported for podtally's counter and for full {@code Pod} objects in pages of 1,000.
 *
 * <p>Arguments: kubeconfig with one context, its name, seconds to sample per approach, output
 * properties file.
 */
public final class RefreshHeapMain {

    private static final Logger log = LoggerFactory.getLogger(RefreshHeapMain.class);
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    private static final long STOP_LIMIT_MILLIS = TimeUnit.MINUTES.toMillis(10);

    private RefreshHeapMain() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Path kubeconfig = Path.of(args[0]);
        String context = args[1];
        long sampleNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[2]));
        Path output = Path.of(args[3]);
        Config config = Config.fromKubeconfig(Files.readString(kubeconfig, StandardCharsets.UTF_8));
        Properties results = new Properties();
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
            Fabric8PodCounter counter = new Fabric8PodCounter(client, PodCounterSettings.defaults());
            measure(ClientCostMain.Approach.COUNTER.key(), sampleNanos, results, () -> {
                PodCountResult result = counter.count();
                if (!result.complete()) {
                    throw new IllegalStateException("the count was partial: " + result.failure());
                }
            });
            measure(ClientCostMain.Approach.FULL_PODS.key(), sampleNanos, results, () -> ClientCostMain.countFullPods(client));
        }
        try (Writer writer = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
            results.store(writer, "heap held while a pod count runs, " + context);
        }
    }

    private static void measure(String approach, long sampleNanos, Properties results, Runnable count)
            throws InterruptedException {
        count.run(); // the first count loads classes and fills the client's pools; they are not the refresh's
        long before = usedAfterFullGc();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger counts = new AtomicInteger();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                while (!stop.get()) {
                    count.run();
                    counts.incrementAndGet();
                }
            } catch (RuntimeException e) {
                failure.set(e);
            }
        }, "refresh-heap-" + approach);
        worker.start();
        long[] samples = new long[100_000];
        int n = 0;
        long end = System.nanoTime() + sampleNanos;
        while ((System.nanoTime() < end || counts.get() == 0) && worker.isAlive() && n < samples.length) {
            samples[n++] = usedAfterFullGc() - before;
            TimeUnit.MILLISECONDS.sleep(5);
        }
        stop.set(true);
        worker.join(STOP_LIMIT_MILLIS);
        if (worker.isAlive()) {
            throw new IllegalStateException("the " + approach + " count did not end within " + STOP_LIMIT_MILLIS
                    + " ms");
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        long[] sorted = Arrays.copyOf(samples, n);
        Arrays.sort(sorted);
        long peak = sorted[n - 1];
        long median = sorted[n / 2];
        log.info("{}: {} samples over {} counts, peak {} KiB, median {} KiB held beyond the idle client", approach,
                n, counts.get(), peak / 1024, median / 1024);
        results.setProperty(approach + ".samples", Integer.toString(n));
        results.setProperty(approach + ".counts", Integer.toString(counts.get()));
        results.setProperty(approach + ".peakBytes", Long.toString(peak));
        results.setProperty(approach + ".medianBytes", Long.toString(median));
    }

    private static long usedAfterFullGc() {
        System.gc();
        return MEMORY.getHeapMemoryUsage().getUsed();
    }
}
