package io.podtally.k8s.fabric8;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.podtally.k8s.PodCountResult;
import io.podtally.k8s.PodCounterSettings;
import io.podtally.k8s.sim.SimulatedClusterServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures what one pod count costs the client per counted pod, side by side: (a) fabric8's typed
 * paginated list building a full {@code Pod} per item, (b) {@link Fabric8PodCounter} asking only
 * for the plain list and reading only the fields it needs from the full JSON, (c)
 * {@link Fabric8PodCounter} as it runs, asking for a server-side Table without objects, and the
 * floors of (b) and (c): the same pages through the same HTTP client with their bytes dropped. The simulated cluster runs in a child process, so that every Java thread of
 * this process works for the client; CPU time and allocated bytes are summed over all of them
 * (ThreadMXBean), process CPU time (with GC and JIT) is reported too. It measures, it does not judge.
 *
 * <p>Arguments (all optional): nodes (5000), active pods (150000), measured rounds (3), warm-up rounds (2).
 * Writes a Markdown table to {@code target/pod-count-cost.md} and logs it.
 */
public final class PodCountCostBenchmark {

    private static final Logger log = LoggerFactory.getLogger(PodCountCostBenchmark.class);
    private static final Pattern CONTINUE = Pattern.compile("\"continue\":\"([^\"]+)\"");

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private PodCountCostBenchmark() {
    }

    private record Count(Map<String, Integer> countsByNode, long pods) {
    }

    private record Sample(long threadCpuNanos, long processCpuNanos, long allocatedBytes, long wallNanos) {
    }

    public static void main(String[] args) throws Exception {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        long pods = args.length > 1 ? Long.parseLong(args[1]) : 150_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int warmUp = args.length > 3 ? Integer.parseInt(args[3]) : 2;

        Path dir = Files.createTempDirectory("pod-count-cost");
        Path kubeconfig = dir.resolve("config");
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-cp", System.getProperty("java.class.path"), SimulatedClusterServer.class.getName(),
                kubeconfig.toString(), Integer.toString(nodes), Long.toString(pods), "42")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(dir.resolve("server.log").toFile())
                .start();
        try {
            awaitFile(kubeconfig, server, Duration.ofMinutes(2));
            Config config = Config.fromKubeconfig(Files.readString(kubeconfig, StandardCharsets.UTF_8));
            try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
                run(client, nodes, pods, rounds, warmUp);
            }
        } finally {
            server.getOutputStream().close();
            if (!server.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                server.destroy();
            }
        }
    }

    private static void run(KubernetesClient client, int nodes, long pods, int rounds, int warmUp) throws IOException {
        Supplier<Count> typed = () -> typedCount(client, 1000);
        Supplier<Count> fullJson = counting(new Fabric8PodCounter(client, PodCounterSettings.defaults(), false));
        Supplier<Count> table = counting(new Fabric8PodCounter(client, PodCounterSettings.defaults()));
        Count expected = typed.get();
        for (Supplier<Count> way : List.of(fullJson, table)) {
            Count actual = way.get();
            if (!expected.equals(actual) || expected.pods() != pods) {
                throw new IllegalStateException("the ways disagree: " + expected.pods() + " vs " + actual.pods());
            }
        }
        Map<String, Supplier<Count>> ways = new LinkedHashMap<>();
        ways.put("typed `list()`, full `Pod` objects", typed);
        ways.put("`Fabric8PodCounter`, full JSON (`PodList`)", fullJson);
        ways.put("`Fabric8PodCounter`, `Table`, `includeObject=None`", table);
        ways.put("floor: full JSON transfer only, bytes dropped", () -> transferOnly(client, 1000,
                Fabric8PodCounter.ACCEPT_LIST, ""));
        ways.put("floor: `Table` transfer only, bytes dropped", () -> transferOnly(client, 1000,
                Fabric8PodCounter.ACCEPT_TABLE, "&includeObject=None"));
        for (int i = 0; i < warmUp; i++) {
            ways.values().forEach(Supplier::get);
        }
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        ways.keySet().forEach(name -> samples.put(name, new ArrayList<>()));
        for (int i = 0; i < rounds; i++) {
            ways.forEach((name, way) -> samples.get(name).add(measure(way)));
        }
        String markdown = table(nodes, pods, rounds, warmUp, samples);
        Path out = Path.of("target", "pod-count-cost.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, markdown, StandardCharsets.UTF_8);
        log.info("Pod count cost per counted pod ({} nodes, {} pods), written to {}:\n{}", nodes, pods, out, markdown);
    }

    private static Supplier<Count> counting(Fabric8PodCounter counter) {
        return () -> {
            PodCountResult result = counter.count();
            if (!result.complete()) {
                throw new IllegalStateException("partial count: " + result.failure());
            }
            return new Count(result.countsByNode(), result.pods() - result.unscheduled());
        };
    }

    /** The baseline: fabric8's typed list, a full Pod per item. */
    static Count typedCount(KubernetesClient client, int pageSize) {
        Map<String, Integer> counts = new HashMap<>();
        long scheduled = 0;
        String token = null;
        do {
            PodList page = client.pods().inAnyNamespace()
                    .list(new ListOptionsBuilder()
                            .withFieldSelector(Fabric8PodCounter.ACTIVE_PODS)
                            .withLimit((long) pageSize)
                            .withContinue(token)
                            .build());
            for (Pod pod : page.getItems()) {
                String node = pod.getSpec().getNodeName();
                if (node != null && !node.isEmpty()) {
                    counts.merge(node, 1, Integer::sum);
                    scheduled++;
                }
            }
            token = page.getMetadata().getContinue();
        } while (token != null && !token.isEmpty());
        return new Count(counts, scheduled);
    }

    /**
     * The floor: the same pages through the same HTTP client, their bytes dropped as they arrive;
     * only the continue token is picked from the start of each page.
     */
    static Count transferOnly(KubernetesClient client, int pageSize, String accept, String extraQuery) {
        String master = client.getMasterUrl().toString().replaceAll("/$", "");
        String token = null;
        long pages = 0;
        do {
            String url = master + "/api/v1/pods?limit=" + pageSize + "&fieldSelector="
                    + URLEncoder.encode(Fabric8PodCounter.ACTIVE_PODS, StandardCharsets.UTF_8) + extraQuery
                    + (token == null ? "" : "&continue=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            HttpClient http = client.getHttpClient();
            HttpResponse<AsyncBody> response = http.consumeBytes(
                    http.newHttpRequestBuilder().uri(url).header("Accept", accept).build(),
                    (List<ByteBuffer> buffers, AsyncBody body) -> {
                        for (ByteBuffer buffer : buffers) {
                            int keep = Math.min(buffer.remaining(), 1024 - head.size());
                            head.write(buffer.array(), buffer.arrayOffset() + buffer.position(), keep);
                        }
                        body.consume();
                    }).join();
            response.body().consume();
            response.body().done().join();
            Matcher m = CONTINUE.matcher(head.toString(StandardCharsets.UTF_8));
            token = m.find() ? m.group(1) : null;
            pages++;
        } while (token != null);
        return new Count(Map.of(), pages);
    }

    private static Sample measure(Supplier<Count> count) {
        long[] ids = THREADS.getAllThreadIds();
        long cpu0 = sum(THREADS.getThreadCpuTime(ids));
        long alloc0 = sum(THREADS.getThreadAllocatedBytes(ids));
        long process0 = OS.getProcessCpuTime();
        long wall0 = System.nanoTime();
        count.get();
        long wall = System.nanoTime() - wall0;
        long process = OS.getProcessCpuTime() - process0;
        long[] after = THREADS.getAllThreadIds();
        long cpu = sum(THREADS.getThreadCpuTime(after)) - cpu0;
        long alloc = sum(THREADS.getThreadAllocatedBytes(after)) - alloc0;
        return new Sample(cpu, process, alloc, wall);
    }

    private static long sum(long[] values) {
        long total = 0;
        for (long v : values) {
            if (v > 0) {
                total += v;
            }
        }
        return total;
    }

    private static String table(int nodes, long pods, int rounds, int warmUp, Map<String, List<Sample>> samples) {
        StringBuilder s = new StringBuilder();
        s.append("| way | wall per count | thread CPU per pod | process CPU per pod | allocated per pod |\n");
        s.append("|---|---:|---:|---:|---:|\n");
        samples.forEach((name, way) -> row(s, name, way, pods));
        s.append("\n").append(nodes).append(" nodes, ").append(pods).append(" active pods, page size 1000, ")
                .append(rounds).append(" measured rounds after ").append(warmUp).append(" warm-up rounds (medians), ")
                .append(Runtime.getRuntime().availableProcessors()).append(" CPUs, max heap ")
                .append(Runtime.getRuntime().maxMemory() / (1024 * 1024)).append(" MiB, Java ")
                .append(System.getProperty("java.version")).append(", ").append(Instant.now()).append('\n');
        return s.toString();
    }

    private static void row(StringBuilder s, String name, List<Sample> samples, long pods) {
        s.append("| ").append(name)
                .append(" | ").append(median(samples, Sample::wallNanos) / 1_000_000).append(" ms")
                .append(" | ").append(String.format("%.1f µs", median(samples, Sample::threadCpuNanos) / 1000.0 / pods))
                .append(" | ").append(String.format("%.1f µs", median(samples, Sample::processCpuNanos) / 1000.0 / pods))
                .append(" | ").append(String.format("%.1f KB", median(samples, Sample::allocatedBytes) / 1024.0 / pods))
                .append(" |\n");
    }

    private static long median(List<Sample> samples, java.util.function.ToLongFunction<Sample> f) {
        long[] values = samples.stream().mapToLong(f).sorted().toArray();
        return values[values.length / 2];
    }

    private static void awaitFile(Path file, Process server, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(file)) {
            if (!server.isAlive()) {
                throw new IllegalStateException("the simulated cluster exited with " + server.exitValue());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the simulated cluster did not start within " + timeout);
            }
            server.waitFor(100, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }
}
