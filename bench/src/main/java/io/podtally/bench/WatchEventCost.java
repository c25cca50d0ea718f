package io.podtally.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.podtally.k8s.sim.SimulatedCluster;

/**
 * What a watch event costs the lease holder and Redis: for an idle phase and a phase at each pod-event rate, each
 * {@code duration} long and in that order, the holder's process CPU time ({@link Replica#cpuTime()}) and the Redis
 * server's {@code total_net_input_bytes} (every byte all replicas sent it), with nobody asking for nodes. The events
 * are adds and deletes of Running pods spread over the nodes, sent every 10 ms; the rate reached is the count of
 * pod watch events the simulated API server wrote, divided by the phase's length. A phase at the highest rate runs
 * first and is not reported, so that the JIT has compiled the holder's event path.
 */
final class WatchEventCost {

    private static final Logger log = LoggerFactory.getLogger(WatchEventCost.class);

    private final WatchDeployment deployment;
    private final WatchBenchClient client;

    WatchEventCost(WatchDeployment deployment, WatchBenchClient client) {
        this.deployment = deployment;
        this.client = client;
    }

    /** One phase: the rate asked (0: idle) and what it cost. */
    record Phase(int askedRate, double events, Duration elapsed, Duration holderCpu, Duration othersCpu,
            long redisInputBytes, double writes) {

        double eventsPerSecond() {
            return events / seconds();
        }

        double seconds() {
            return elapsed.toNanos() / 1e9;
        }

        double redisBytesPerSecond() {
            return redisInputBytes / seconds();
        }

        double holderCpuPerSecond() {
            return holderCpu.toNanos() / 1e9 / seconds();
        }
    }

    record Result(String holder, int replicas, List<Phase> phases) {
    }

    Result run(List<Integer> rates, Duration duration) throws IOException, InterruptedException {
        List<Replica> replicas = deployment.replicas();
        Replica holder = null;
        for (Replica replica : replicas) {
            if (client.metric(replica, "podtally.watch.leases") >= 1) {
                holder = replica;
            }
        }
        if (holder == null) {
            throw new IOException("no replica holds the watch lease");
        }
        // the first events compile the holder's event path: a phase at the highest rate first, not reported
        phase(holder, replicas, rates.stream().mapToInt(Integer::intValue).max().orElse(0), duration);
        List<Phase> phases = new ArrayList<>();
        phases.add(phase(holder, replicas, 0, duration));
        for (int rate : rates) {
            phases.add(phase(holder, replicas, rate, duration));
        }
        return new Result(holder.name(), replicas.size(), phases);
    }

    private Phase phase(Replica holder, List<Replica> replicas, int rate, Duration duration)
            throws IOException, InterruptedException {
        SimulatedCluster sim = deployment.sim();
        List<String> nodes = sim.nodeNames();
        double writesBefore = client.metric(holder, "podtally.watch.writes");
        TimeUnit.SECONDS.sleep(1); // the metric request's own cost stays out of the phase
        long events = sim.podWatchEventsSent();
        long bytes = deployment.redisInputBytes();
        Duration cpu = holder.cpuTime();
        Duration others = othersCpu(holder, replicas);
        long started = System.nanoTime();
        ScheduledExecutorService driver = Executors.newSingleThreadScheduledExecutor();
        int perTick = rate / 100;
        int[] next = {0};
        boolean[] add = {true};
        if (rate > 0) {
            driver.scheduleAtFixedRate(() -> {
                for (int i = 0; i < perTick; i++) {
                    String node = nodes.get(next[0]++ % nodes.size());
                    if (add[0]) {
                        sim.addPods(node, 1);
                    } else {
                        sim.removePods(node, 1);
                    }
                    if (next[0] % nodes.size() == 0) {
                        add[0] = !add[0];
                    }
                }
            }, 0, 10, TimeUnit.MILLISECONDS);
        }
        TimeUnit.NANOSECONDS.sleep(duration.toNanos());
        driver.shutdownNow();
        driver.awaitTermination(5, TimeUnit.SECONDS);
        TimeUnit.MILLISECONDS.sleep(200); // the last sends leave the simulated server
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        Phase phase = new Phase(rate, sim.podWatchEventsSent() - events, elapsed, holder.cpuTime().minus(cpu),
                othersCpu(holder, replicas).minus(others), deployment.redisInputBytes() - bytes, 0);
        double writes = client.metric(holder, "podtally.watch.writes") - writesBefore;
        phase = new Phase(phase.askedRate(), phase.events(), phase.elapsed(), phase.holderCpu(), phase.othersCpu(),
                phase.redisInputBytes(), writes);
        log.info("event cost at {} events/s asked: {} events in {} s, holder CPU {} ms, Redis in {} bytes, {} writes",
                rate, phase.events(), phase.seconds(), phase.holderCpu().toMillis(), phase.redisInputBytes(), writes);
        return phase;
    }

    private static Duration othersCpu(Replica holder, List<Replica> replicas) {
        Duration total = Duration.ZERO;
        for (Replica replica : replicas) {
            if (replica != holder) {
                total = total.plus(replica.cpuTime());
            }
        }
        return total;
    }

    static String render(Result result) {
        List<Phase> phases = result.phases();
        Phase idle = phases.get(0);
        MarkdownTable table = new MarkdownTable("phase", "pod events/s reached", "holder CPU (% of a core)",
                "holder CPU per event above idle", "other replicas' CPU (% of a core)", "watch writes",
                "Redis bytes in /s", "× idle");
        for (Phase phase : phases) {
            String perEvent = "—";
            if (phase.askedRate() > 0 && phase.events() > 0) {
                double extraNanos = phase.holderCpu().toNanos()
                        - idle.holderCpu().toNanos() * (phase.seconds() / idle.seconds());
                perEvent = String.format(Locale.ROOT, "%.1f µs", extraNanos / phase.events() / 1000.0);
            }
            table.row(phase.askedRate() == 0 ? "idle" : phase.askedRate() + " events/s",
                    String.format(Locale.ROOT, "%.0f", phase.eventsPerSecond()),
                    String.format(Locale.ROOT, "%.1f %%", 100 * phase.holderCpuPerSecond()),
                    perEvent,
                    String.format(Locale.ROOT, "%.1f %%", 100.0 * phase.othersCpu().toNanos() / 1e9 / phase.seconds()),
                    String.format(Locale.ROOT, "%.0f", phase.writes()),
                    String.format(Locale.ROOT, "%,.0f", phase.redisBytesPerSecond()),
                    String.format(Locale.ROOT, "%.1f", phase.redisBytesPerSecond() / idle.redisBytesPerSecond()));
        }
        return table.render() + String.format(Locale.ROOT, "%nHolder: %s, of %d replicas; each phase %.0f s.%n",
                result.holder(), result.replicas(), idle.seconds());
    }
}
