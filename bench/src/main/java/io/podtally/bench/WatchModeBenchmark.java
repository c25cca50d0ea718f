package io.podtally.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.podtally.k8s.sim.SimulatedCluster;

/**
 * The goals of watch mode, measured: the latency of a pod change to the node list of every replica, the API
 * server's load against paginated mode over one period, the heap per tracked pod on the large cluster and the cost
 * of a watch event on the holder and in Redis. Each part writes its table to {@code bench/target/watch-mode/};
 * then the {@code ## Watch mode} section of {@code docs/performance.md} (between its {@code watch-mode} markers) is
 * rebuilt from every part's last table.
 *
 * <p>Arguments, {@code key=value} separated by spaces: {@code parts=latency,cost,heap,load} (all by default),
 * {@code period=10m} (the API-load period), {@code changes=150} (latency), {@code phase=30s} (each event-cost
 * phase), {@code replicas=3}, {@code informer-heap=10g} (-Xmx of the informer baseline's JVM: 150,000 full pods do
 * not fit 4 GiB); then the output file. System property {@code watch.command}: how the run was started,
 * as the section quotes it (the Maven profile's command by default).
 */
public final class WatchModeBenchmark {

    static final String COMMAND = "./mvnw -B -o -q -pl bench -am -Pwatch-mode process-test-classes";
    static final String BEGIN = "<!-- watch-mode:begin (written by WatchModeBenchmark; do not edit by hand) -->";
    static final String END = "<!-- watch-mode:end -->";
    static final List<String> PARTS = List.of("latency", "cost", "heap", "load");

    private static final Logger log = LoggerFactory.getLogger(WatchModeBenchmark.class);
    private static final String HEAP = "1g";
    private static final Duration PAGE_LATENCY = Duration.ofMillis(100);

    private WatchModeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("podtally.test.redis") == null) {
            System.setProperty("podtally.test.redis", "process");
        }
        String joined = args.length > 0 ? args[0].trim() : "";
        Map<String, String> options = new LinkedHashMap<>();
        for (String word : joined.split("\\s+")) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                options.put(word.substring(0, eq), word.substring(eq + 1));
            }
        }
        List<String> parts = List.of(options.getOrDefault("parts", String.join(",", PARTS)).split(","));
        Duration period = parse(options.getOrDefault("period", "10m"));
        int changes = Integer.parseInt(options.getOrDefault("changes", "150"));
        Duration phase = parse(options.getOrDefault("phase", "30s"));
        int replicas = Integer.parseInt(options.getOrDefault("replicas", "3"));
        String informerHeap = options.getOrDefault("informer-heap", "10g");
        Path output = Path.of(args.length > 1 ? args[1] : "docs/performance.md");
        Path workDir = Files.createDirectories(Path.of("bench", "target", "watch-mode"));
        Machine machine = Machine.current();
        String command = System.getProperty("watch.command",
                COMMAND + (joined.isEmpty() ? "" : " -Dwatch.args=\"" + joined + "\""));
        String header = "Measured " + machine.date() + " on " + machine.cores() + " cores, " + machine.memoryGiB()
                + " GiB, " + machine.jdk() + ", with `" + command + "`.";
        WatchBenchClient client = new WatchBenchClient();

        if (parts.contains("latency") || parts.contains("cost")) {
            try (WatchDeployment deployment = WatchDeployment.prepare("latency", "incident",
                    SimulatedCluster.incident().seed(7).pageLatency(PAGE_LATENCY), workDir)) {
                deployment.start(replicas, "watch", HEAP, client, List.of());
                awaitWatching(deployment, client);
                if (parts.contains("latency")) {
                    part("latency", () -> write(workDir, "latency", header,
                            WatchLatency.render(new WatchLatency(deployment, client).run(changes))));
                }
                if (parts.contains("cost")) {
                    part("cost", () -> write(workDir, "cost", header, WatchEventCost.render(
                            new WatchEventCost(deployment, client).run(List.of(100, 1000), phase))));
                }
            } catch (IOException | RuntimeException e) {
                log.error("the latency deployment failed", e);
            }
        }
        if (parts.contains("heap")) {
            part("heap", () -> {
                try (WatchDeployment deployment = WatchDeployment.prepare("heap", "large",
                        SimulatedCluster.large().seed(11).pageLatency(Duration.ZERO), workDir)) {
                    write(workDir, "heap", header, WatchHeap.render(
                            new WatchHeap(deployment, client, workDir).run(HEAP, informerHeap)));
                }
            });
        }
        if (parts.contains("load")) {
            part("load", () -> {
                try (WatchDeployment watch = WatchDeployment.prepare("load-watch", "incident",
                        SimulatedCluster.incident().seed(7).pageLatency(PAGE_LATENCY), workDir);
                        WatchDeployment paginated = WatchDeployment.prepare("load-paginated", "incident",
                                SimulatedCluster.incident().seed(7).pageLatency(PAGE_LATENCY), workDir)) {
                    write(workDir, "load", header, WatchApiLoad.render(
                            new WatchApiLoad(watch, paginated, client).run(replicas, HEAP, period)));
                }
            });
        }
        writeSection(workDir, output);
        log.info("watch-mode section written to {}", output.toAbsolutePath());
    }

    /** One part of the run; a part that fails is logged and leaves its earlier figures in place. */
    private interface Part {
        void run() throws IOException, InterruptedException;
    }

    private static void part(String name, Part part) throws InterruptedException {
        try {
            part.run();
        } catch (IOException | RuntimeException e) {
            log.error("part {} did not complete", name, e);
        }
    }

    private static void awaitWatching(WatchDeployment deployment, WatchBenchClient client)
            throws IOException, InterruptedException {
        String anyNode = deployment.sim().nodeNames().get(0);
        for (Replica replica : deployment.replicas()) {
            if (!WatchBenchClient.await(Duration.ofMinutes(2), () -> "watching".equals(
                    client.watchState(replica, deployment.cluster()))
                    && "fresh/informer".equals(client.countState(replica, deployment.cluster(), anyNode)))) {
                throw new IOException(replica.name() + " does not serve watched counts of " + deployment.cluster());
            }
        }
        if (deployment.sim().openPodWatches() != 1) {
            throw new IOException(deployment.sim().openPodWatches() + " pod watches open, not 1");
        }
    }

    /** The figures of a part as the section holds them now, for a run that did not measure it; null when none. */
    private static String previous(String existing, String title, String how) {
        int begin = existing.indexOf(BEGIN);
        int end = existing.indexOf(END);
        if (begin < 0 || end < begin) {
            return null;
        }
        String section = existing.substring(begin, end);
        int at = section.indexOf(title + "\n\n" + how + "\n\n");
        if (at < 0) {
            return null;
        }
        String rest = section.substring(at + title.length() + how.length() + 4);
        int next = rest.indexOf("\n### ");
        String figures = (next < 0 ? rest : rest.substring(0, next)).strip();
        return figures.isEmpty() || figures.equals("Not measured yet.") ? null : figures;
    }

    private static Duration parse(String value) {
        String v = value.trim().toLowerCase(java.util.Locale.ROOT);
        if (v.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        long n = Long.parseLong(v.substring(0, v.length() - 1));
        return switch (v.charAt(v.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            default -> throw new IllegalArgumentException("a duration like 30s or 10m: " + value);
        };
    }

    private static void write(Path workDir, String part, String header, String table) throws IOException {
        Files.writeString(workDir.resolve(part + ".md"), header + "\n\n" + table, StandardCharsets.UTF_8);
    }

    /** Rebuilds the section from the parts' last tables, between the markers (appended when they are missing). */
    static void writeSection(Path workDir, Path output) throws IOException {
        String existing = Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
        StringBuilder section = new StringBuilder(BEGIN).append("\n\n");
        Map<String, String> titles = Map.of(
                "latency", "### A pod change on every replica (goal: within 2 s, p99)",
                "load", "### API server load, watch mode against paginated mode over the same period",
                "heap", "### Heap per tracked pod on the 150,000-pod cluster (goal: ≤ 100 B)",
                "cost", "### CPU per watch event on the holder, Redis bytes written per second");
        Map<String, String> how = Map.of(
                "latency", WatchDescriptions.LATENCY,
                "load", WatchDescriptions.LOAD,
                "heap", WatchDescriptions.HEAP,
                "cost", WatchDescriptions.COST);
        for (String part : List.of("latency", "load", "heap", "cost")) {
            Path file = workDir.resolve(part + ".md");
            section.append(titles.get(part)).append("\n\n").append(how.get(part)).append("\n\n");
            String figures = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8).strip()
                    : previous(existing, titles.get(part), how.get(part));
            section.append(figures == null ? "Not measured yet." : figures).append("\n\n");
        }
        section.append(END);
        int begin = existing.indexOf(BEGIN);
        int end = existing.indexOf(END);
        String text = begin >= 0 && end > begin
                ? existing.substring(0, begin) + section + existing.substring(end + END.length())
                : existing + "\n## Watch mode\n\n" + section + "\n";
        Files.writeString(output, text, StandardCharsets.UTF_8);
    }
}
