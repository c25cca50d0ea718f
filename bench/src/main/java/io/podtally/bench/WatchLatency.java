package io.podtally.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.podtally.k8s.sim.SimulatedCluster;

/**
 * How long a pod change takes to reach the node list of every replica: for each change, from the simulated API
 * server's write of the watch event to the first answer of {@code GET /api/v1/nodes} of each replica that shows the
 * new count, every replica polled every {@link #POLL_MS} ms. One change at a time; the next follows once every
 * replica showed it (or {@link #GIVE_UP_MS} passed), after a pause of 100–400 ms.
 */
final class WatchLatency {

    static final int POLL_MS = 25;
    static final long GIVE_UP_MS = 10_000;

    private static final Logger log = LoggerFactory.getLogger(WatchLatency.class);

    private final WatchDeployment deployment;
    private final WatchBenchClient client;

    WatchLatency(WatchDeployment deployment, WatchBenchClient client) {
        this.deployment = deployment;
        this.client = client;
    }

    /** What one run measured: latencies in microseconds per replica, and changes some replica never showed. */
    record Result(List<String> replicas, List<Histogram> perReplica, Histogram overall, int changes, int missed) {
    }

    /** A change being looked for: its node, the count to see, when the API server sent its event. */
    private record Target(int id, String node, int expected, long emittedNanos) {
    }

    Result run(int changes) throws InterruptedException, IOException {
        List<Replica> replicas = deployment.replicas();
        SimulatedCluster sim = deployment.sim();
        List<String> nodes = sim.nodeNames();
        List<Histogram> histograms = new ArrayList<>();
        Histogram overall = new Histogram(60_000_000L, 3);
        List<ConcurrentHashMap<Integer, Long>> seen = new ArrayList<>();
        Target[] current = new Target[1];
        Object lock = new Object();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> pollers = new ArrayList<>();
        for (Replica replica : replicas) {
            histograms.add(new Histogram(60_000_000L, 3));
            ConcurrentHashMap<Integer, Long> found = new ConcurrentHashMap<>();
            seen.add(found);
            Thread poller = new Thread(() -> poll(replica, current, lock, found, running), "poll-" + replica.name());
            poller.setDaemon(true);
            pollers.add(poller);
            poller.start();
        }
        SplittableRandom random = new SplittableRandom(42);
        int missed = 0;
        try {
            for (int id = 0; id < changes; id++) {
                String node = nodes.get(random.nextInt(nodes.size()));
                long before = sim.podWatchEventsSent();
                int count = sim.activePodsByNode().getOrDefault(node, 0);
                if (count > 0 && random.nextBoolean()) {
                    sim.removePods(node, 1);
                } else {
                    sim.addPods(node, 1);
                }
                int expected = sim.activePodsByNode().getOrDefault(node, 0);
                long waitEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (sim.podWatchEventsSent() == before && System.nanoTime() < waitEnd) {
                    TimeUnit.MICROSECONDS.sleep(200);
                }
                if (sim.podWatchEventsSent() == before) {
                    throw new IOException("the simulated cluster sent no pod watch event within 5 s: is a watch open?");
                }
                Target target = new Target(id, node, expected, sim.lastPodWatchEventSentNanos());
                synchronized (lock) {
                    current[0] = target;
                }
                long giveUp = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GIVE_UP_MS);
                int finalId = id;
                while (seen.stream().anyMatch(m -> !m.containsKey(finalId)) && System.nanoTime() < giveUp) {
                    TimeUnit.MILLISECONDS.sleep(5);
                }
                for (int r = 0; r < replicas.size(); r++) {
                    Long at = seen.get(r).get(id);
                    if (at == null) {
                        continue;
                    }
                    long micros = Math.max(1, (at - target.emittedNanos()) / 1_000);
                    histograms.get(r).recordValue(Math.min(micros, 60_000_000L));
                    overall.recordValue(Math.min(micros, 60_000_000L));
                }
                if (seen.stream().anyMatch(m -> !m.containsKey(finalId))) {
                    missed++;
                    log.warn("change {} on {} (expected {}) not seen on every replica within {} ms", id, node,
                            expected, GIVE_UP_MS);
                }
                TimeUnit.MILLISECONDS.sleep(100 + random.nextInt(300));
            }
        } finally {
            running.set(false);
            for (Thread poller : pollers) {
                poller.join(5_000);
            }
        }
        log.info("latency: {} changes, overall p50 {} ms, p99 {} ms, max {} ms", changes,
                overall.getValueAtPercentile(50) / 1000.0, overall.getValueAtPercentile(99) / 1000.0,
                overall.getMaxValue() / 1000.0);
        return new Result(replicas.stream().map(Replica::name).toList(), histograms, overall, changes, missed);
    }

    private void poll(Replica replica, Target[] current, Object lock, ConcurrentHashMap<Integer, Long> seen,
            AtomicBoolean running) {
        while (running.get()) {
            long next = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(POLL_MS);
            Target target;
            synchronized (lock) {
                target = current[0];
            }
            if (target != null && !seen.containsKey(target.id())) {
                try {
                    int count = client.podCount(replica, deployment.cluster(), target.node());
                    long at = System.nanoTime();
                    if (count == target.expected()) {
                        seen.putIfAbsent(target.id(), at);
                    }
                } catch (IOException e) {
                    log.debug("{}: {}", replica.name(), e.toString());
                } catch (InterruptedException e) {
                    return;
                }
            }
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** The section's table of {@code result}. */
    static String render(Result result) {
        MarkdownTable table = new MarkdownTable("replica", "changes seen", "p50", "p99", "max");
        for (int r = 0; r < result.replicas().size(); r++) {
            Histogram h = result.perReplica().get(r);
            table.row(result.replicas().get(r), h.getTotalCount(), ms(h.getValueAtPercentile(50)),
                    ms(h.getValueAtPercentile(99)), ms(h.getMaxValue()));
        }
        Histogram all = result.overall();
        table.row("**all replicas**", all.getTotalCount(), ms(all.getValueAtPercentile(50)),
                ms(all.getValueAtPercentile(99)), ms(all.getMaxValue()));
        return table.render() + String.format(Locale.ROOT, "%n%d changes, %d not seen on every replica within %d s.%n",
                result.changes(), result.missed(), GIVE_UP_MS / 1000);
    }

    static String ms(long micros) {
        return String.format(Locale.ROOT, "%.0f ms", micros / 1000.0);
    }
}
