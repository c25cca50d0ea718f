package io.podtally.bench.inprocess;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Writer;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
import io.podtally.k8s.fabric8.Fabric8PodCounter;

/**
 * The client's cost of one refresh, measured in a JVM that runs nothing but the client, every
 * approach counting the same cluster: podtally's counter as it runs (a server-side Table), the same
 * counter asking only for the plain list (the full JSON), fabric8's typed list building a full
 * {@code Pod} per item, and the floors of the first two: the same pages through the same HTTP client
 * with their bytes dropped. The three counts must agree. Warm-up rounds let the JIT compile every
 * path; then the approaches run in turn for the measured rounds, and the medians are written. CPU
 * time and allocated bytes are summed over all Java threads of this JVM; process CPU adds the JIT
 * compiler and GC threads.
 *
 * <p>Arguments: kubeconfig with one context, its name, warm-up rounds, measured rounds, output
 * properties file.
 */
public final class ClientCostMain {

    private static final Logger log = LoggerFactory.getLogger(ClientCostMain.class);
    private static final int PAGE_SIZE = 1000;
    private static final String ACCEPT_TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io, application/json";
    private static final String ACCEPT_LIST = "application/json";
    private static final Pattern CONTINUE = Pattern.compile("\"continue\":\"([^\"]+)\"");

    /** The ways of counting, and the floors, in the order they are measured and reported. */
    public enum Approach {
        COUNTER("counter", "podtally counter (Fabric8PodCounter)", true),
        COUNTER_LIST("counter-list", "podtally counter, plain list (full JSON)", true),
        FULL_PODS("full-pods", "full Pod objects (fabric8 PodList)", true),
        FLOOR_TABLE("floor-table", "floor: Table transfer only, bytes dropped", false),
        FLOOR_LIST("floor-list", "floor: full JSON transfer only, bytes dropped", false);

        private final String key;
        private final String label;
        private final boolean counts;

        Approach(String key, String label, boolean counts) {
            this.key = key;
            this.label = label;
            this.counts = counts;
        }

        /** The prefix of the approach's properties in the output. */
        public String key() {
            return key;
        }

        /** How the report names the approach. */
        public String label() {
            return label;
        }

        /** Whether it counts pods; a floor only transfers the pages. */
        public boolean counts() {
            return counts;
        }
    }

    private ClientCostMain() {
    }

    public static void main(String[] args) throws IOException {
        Path kubeconfig = Path.of(args[0]);
        String context = args[1];
        int warmUps = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        Path output = Path.of(args[4]);
        // the kubeconfig has one context, the current one
        Config config = Config.fromKubeconfig(Files.readString(kubeconfig, StandardCharsets.UTF_8));
        Properties results = new Properties();
        log.info("client cost of one pod count of {}", context);
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
            Map<Approach, Supplier<Count>> approaches = approaches(client);
            Count reference = agreedCount(approaches);
            for (int i = 0; i < warmUps; i++) {
                approaches.values().forEach(Supplier::get);
            }
            Map<Approach, List<ThreadCosts.Delta>> samples = new EnumMap<>(Approach.class);
            for (int i = 0; i < rounds; i++) {
                approaches.forEach((approach, count) -> samples.computeIfAbsent(approach, a -> new ArrayList<>())
                        .add(measure(count)));
            }
            samples.forEach((approach, deltas) -> write(approach, reference, deltas, results));
        }
        try (Writer writer = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
            results.store(writer, "client cost of one pod count");
        }
    }

    private static Map<Approach, Supplier<Count>> approaches(KubernetesClient client) {
        Map<Approach, Supplier<Count>> approaches = new EnumMap<>(Approach.class);
        approaches.put(Approach.COUNTER, counting(new Fabric8PodCounter(client, PodCounterSettings.defaults())));
        approaches.put(Approach.COUNTER_LIST,
                counting(new Fabric8PodCounter(client, PodCounterSettings.defaults(), false)));
        approaches.put(Approach.FULL_PODS, () -> countFullPods(client));
        approaches.put(Approach.FLOOR_TABLE, () -> transferOnly(client, ACCEPT_TABLE, "&includeObject=None"));
        approaches.put(Approach.FLOOR_LIST, () -> transferOnly(client, ACCEPT_LIST, ""));
        return approaches;
    }

    /** One count of each counting approach; they must find the same pods on the same nodes. */
    private static Count agreedCount(Map<Approach, Supplier<Count>> approaches) {
        Count reference = approaches.get(Approach.COUNTER).get();
        approaches.forEach((approach, count) -> {
            if (approach.counts()) {
                Count other = count.get();
                if (!other.countsByNode().equals(reference.countsByNode())) {
                    throw new IllegalStateException("the approaches disagree: " + Approach.COUNTER.key() + " counted "
                            + reference.counted() + ", " + approach.key() + " " + other.counted());
                }
            }
        });
        return reference;
    }

    private static ThreadCosts.Delta measure(Supplier<Count> count) {
        System.gc();
        ThreadCosts before = ThreadCosts.now();
        count.get();
        return ThreadCosts.now().since(before);
    }

    /** Every approach lists the same pages; the counting ones were checked to agree, so the listed figures are shared. */
    private static void write(Approach approach, Count reference, List<ThreadCosts.Delta> deltas, Properties results) {
        String key = approach.key();
        long threadCpu = median(deltas, ThreadCosts.Delta::threadCpuNanos);
        long allocated = median(deltas, ThreadCosts.Delta::allocatedBytes);
        log.info("{}: {} ms thread CPU, {} MB allocated (medians of {})", key, threadCpu / 1_000_000,
                allocated / 1_000_000, deltas.size());
        results.setProperty(key + ".pods", Long.toString(reference.pods()));
        results.setProperty(key + ".pages", Integer.toString(reference.pages()));
        results.setProperty(key + ".counted", Long.toString(reference.counted()));
        results.setProperty(key + ".rounds", Integer.toString(deltas.size()));
        results.setProperty(key + ".threadCpuNanos", Long.toString(threadCpu));
        results.setProperty(key + ".allocatedBytes", Long.toString(allocated));
        results.setProperty(key + ".processCpuNanos", Long.toString(median(deltas, ThreadCosts.Delta::processCpuNanos)));
        results.setProperty(key + ".gcMillis", Long.toString(median(deltas, ThreadCosts.Delta::gcMillis)));
        results.setProperty(key + ".wallNanos", Long.toString(median(deltas, ThreadCosts.Delta::wallNanos)));
    }

    private static long median(List<ThreadCosts.Delta> deltas, ToLongFunction<ThreadCosts.Delta> metric) {
        long[] values = deltas.stream().mapToLong(metric).sorted().toArray();
        return values[values.length / 2];
    }

    private static Supplier<Count> counting(Fabric8PodCounter counter) {
        return () -> {
            PodCountResult result = counter.count();
            if (!result.complete()) {
                throw new IllegalStateException("the count was partial: " + result.failure());
            }
            return new Count(result.pods(), result.pages(), result.countsByNode());
        };
    }

    /** The usual way: list full {@code Pod} objects page by page and count by {@code spec.nodeName}. */
    static Count countFullPods(KubernetesClient client) {
        Map<String, Integer> counts = new HashMap<>();
        long pods = 0;
        int pages = 0;
        String next = null;
        do {
            PodList page = client.pods().inAnyNamespace().list(new ListOptionsBuilder()
                    .withFieldSelector(Fabric8PodCounter.ACTIVE_PODS)
                    .withLimit((long) PAGE_SIZE)
                    .withContinue(next)
                    .build());
            pages++;
            for (Pod pod : page.getItems()) {
                pods++;
                String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
                if (node != null && !node.isEmpty()) {
                    counts.merge(node, 1, Integer::sum);
                }
            }
            next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
        } while (next != null && !next.isEmpty());
        return new Count(pods, pages, counts);
    }

    /**
     * The floor: the same pages through the same HTTP client, their bytes dropped as they arrive;
     * only the continue token is picked from the start of each page.
     */
    private static Count transferOnly(KubernetesClient client, String accept, String extraQuery) {
        String master = client.getMasterUrl().toString().replaceAll("/$", "");
        HttpClient http = client.getHttpClient();
        String token = null;
        int pages = 0;
        do {
            String url = master + "/api/v1/pods?limit=" + PAGE_SIZE + "&fieldSelector="
                    + URLEncoder.encode(Fabric8PodCounter.ACTIVE_PODS, StandardCharsets.UTF_8) + extraQuery
                    + (token == null ? "" : "&continue=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            HttpResponse<AsyncBody> response = http.consumeBytes(
                    http.newHttpRequestBuilder().uri(url).header("Accept", accept).build(),
                    (List<ByteBuffer> buffers, AsyncBody body) -> {
                        for (ByteBuffer buffer : buffers) {
                            int keep = Math.min(buffer.remaining(), 1024 - head.size());
                            head.write(buffer.array(), buffer.arrayOffset() + buffer.position(), keep);
                        }
                        body.consume();
                    }).orTimeout(2, TimeUnit.MINUTES).join();
            response.body().consume();
            response.body().done().orTimeout(2, TimeUnit.MINUTES).join();
            Matcher m = CONTINUE.matcher(head.toString(StandardCharsets.UTF_8));
            token = m.find() ? m.group(1) : null;
            pages++;
        } while (token != null);
        return new Count(0, pages, Map.of());
    }

    record Count(long pods, int pages, Map<String, Integer> countsByNode) {

        long counted() {
            return countsByNode.values().stream().mapToLong(Integer::longValue).sum();
        }
    }
}
