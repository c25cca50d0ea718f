package io.podtally.app.web;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * What building the gzipped answer of a 5,000-node list costs, in one JVM, measured in interleaved rounds: the whole
 * list serialized by Jackson and gzipped at once (how answers were built before {@link NodeListWriter}, the
 * baseline), and {@link NodeListWriter} from nothing, after the ages moved on (the same nodes under a new envelope:
 * the background rebuild every 5 s), after 5 or 50 nodes' pod counts changed (a watch flush) and after every node's usage
 * changed (a metrics poll). Logs a Markdown table of median and 90th-percentile times and their ratio to the
 * baseline's median. A program, not a test: it measures and passes no judgement. In the app's test sources, beside
 * the package-private writer it measures (the bench module does not compile against the repackaged app).
 *
 * <p>Arguments: rounds (default 40), nodes (default 5000).
 */
public final class RenderCostMain {

    private static final Logger log = LoggerFactory.getLogger(RenderCostMain.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private RenderCostMain() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        List<NodeInfo> nodes = nodes(size, 0, 0);
        NodeListWriter writer = new NodeListWriter(JSON, new SimpleMeterRegistry());
        // each build: the answer it is given (made before the clock starts) and how its bytes are built
        Map<String, Supplier<Responses.NodeList>> inputs = new LinkedHashMap<>();
        Map<String, Function<Responses.NodeList, byte[]>> builds = new LinkedHashMap<>();
        long[] age = {0};
        int[] turn = {0};
        add(inputs, builds, "whole list, Jackson then GZIPOutputStream (baseline)", () -> list(nodes, age[0]++),
                list -> gzip(JSON.writeValueAsBytes(list)));
        add(inputs, builds, "writer, from nothing (every run built)", () -> list(nodes, age[0]++),
                list -> new NodeListWriter(JSON, new SimpleMeterRegistry()).gzip(list));
        add(inputs, builds, "writer, ages moved on (same nodes, new envelope)", () -> list(nodes, age[0]++),
                writer::gzip);
        for (int changes : new int[] {5, 50}) {
            add(inputs, builds, "writer, " + changes + " nodes' pod counts changed", () -> {
                turn[0]++;
                List<NodeInfo> changed = new ArrayList<>(nodes);
                for (int i = 0; i < changes; i++) {
                    int at = (i * 101 + turn[0] * 7) % size;
                    changed.set(at, node(at, at % 40 + turn[0], 0));
                }
                return list(changed, age[0]++);
            }, writer::gzip);
        }
        add(inputs, builds, "writer, every node's usage changed", () -> list(nodes(size, 0, ++turn[0]), age[0]++),
                writer::gzip);
        // the writer's runs of the unchanged list are built once before the rounds, as in a replica serving it
        writer.gzip(list(nodes, 0));
        Map<String, long[]> nanos = new LinkedHashMap<>();
        Map<String, Integer> bytes = new LinkedHashMap<>();
        builds.keySet().forEach(name -> nanos.put(name, new long[rounds]));
        for (int round = -5; round < rounds; round++) {
            for (String name : builds.keySet()) {
                Responses.NodeList list = inputs.get(name).get();
                long started = System.nanoTime();
                byte[] out = builds.get(name).apply(list);
                long took = System.nanoTime() - started;
                if (round >= 0) {
                    nanos.get(name)[round] = took;
                    bytes.put(name, out.length);
                }
                // the unchanged list's runs are kept warm after the changed ones replaced their neighbours
                writer.gzip(list(nodes, 0));
            }
        }
        double baseline = percentile(nanos.values().iterator().next(), 0.5);
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                "%d rounds after 5 not counted, each round every build once in turn (the answer made before the clock "
                        + "starts); Java %s, %d cores%n%n| build of the gzipped %d-node answer | median ms | p90 ms "
                        + "| median ÷ baseline median | gzip bytes |%n|---|---|---|---|---|%n",
                rounds, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), size));
        nanos.forEach((name, times) -> table.append(String.format(Locale.ROOT, "| %s | %s | %s | %.3f× | %d |%n",
                name, ms(percentile(times, 0.5)), ms(percentile(times, 0.9)), percentile(times, 0.5) / baseline,
                bytes.get(name))));
        log.info("render cost:\n{}", table);
    }

    private static void add(Map<String, Supplier<Responses.NodeList>> inputs,
            Map<String, Function<Responses.NodeList, byte[]>> builds, String name, Supplier<Responses.NodeList> input,
            Function<Responses.NodeList, byte[]> build) {
        inputs.put(name, input);
        builds.put(name, build);
    }

    private static String ms(double nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1e6);
    }

    private static double percentile(long[] values, double p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    }

    private static Responses.NodeList list(List<NodeInfo> nodes, long ageSeconds) {
        return new Responses.NodeList(200, Responses.SUCCESS, nodes,
                new PodCountsInfo("fresh", "2026-12-01T10:00:00Z", ageSeconds, true, "informer", 12, null, null),
                new Responses.Informer("synced", nodes.size(), null), new Responses.NodeMetrics("available"),
                null, null, null, null);
    }

    /** Nodes shaped like the simulated large cluster's: ten labels, four conditions, about 1.6 KB of JSON each. */
    private static List<NodeInfo> nodes(int count, int podCountOffset, int usageTurn) {
        return IntStream.range(0, count).mapToObj(i -> node(i, i % 40 + podCountOffset, usageTurn)).toList();
    }

    private static NodeInfo node(int i, int podCount, int usageTurn) {
        String name = String.format(Locale.ROOT, "node-%04d", i);
        String zone = "europe-west1-" + "bcd".charAt(i % 3);
        List<NodeInfo.ConditionInfo> conditions = List.of(
                condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"));
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("beta.kubernetes.io/arch", "amd64");
        labels.put("beta.kubernetes.io/os", "linux");
        labels.put("kubernetes.io/arch", "amd64");
        labels.put("kubernetes.io/hostname", name);
        labels.put("kubernetes.io/os", "linux");
        labels.put("node-role.kubernetes.io/worker", "");
        labels.put("node.kubernetes.io/instance-type", "n2-standard-" + (4 << (i % 3)));
        labels.put("node.podtally.io/pool", "pool-" + i % 5);
        labels.put("topology.kubernetes.io/region", "europe-west1");
        labels.put("topology.kubernetes.io/zone", zone);
        long usage = (i * 7919L + usageTurn * 104729L) % 16_000_000_000L;
        return new NodeInfo(name, "Ready", true, List.of("worker"), (300 + i % 60) + "d", "v1.31.4",
                "10.0." + i / 250 + "." + i % 250, "34.82." + i / 250 + "." + i % 250, "Debian GNU/Linux 12 (bookworm)",
                "6.1.0-28-cloud-amd64", "containerd://1.7.24", new NodeInfo.Resources("16", "66928864Ki", "110"),
                new NodeInfo.Resources("15770m", "61351459Ki", "110"),
                new NodeInfo.Usage(usage + "n", (usage / 250 % 60_000_000) + "Ki"), podCount, labels, List.of(),
                conditions, "2025-12-18T15:41:05Z");
    }

    private static NodeInfo.ConditionInfo condition(String type, String status, String reason, String message) {
        return new NodeInfo.ConditionInfo(type, status, reason, message, "2025-12-18T15:42:05Z");
    }

    private static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length / 8);
        try (GZIPOutputStream gzip = new GZIPOutputStream(out, 64 * 1024)) {
            gzip.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException("gzip into memory failed", e);
        }
        return out.toByteArray();
    }
}
