package io.podtally.bench.inprocess;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.podtally.k8s.PodCountResult;
import io.podtally.k8s.PodCounterSettings;
import io.podtally.k8s.fabric8.Fabric8PodCounter;

/**
 * The client's cost of one refresh, measured in a JVM that runs nothing but the client: one
 * complete pod count with podtally's counter, and the same count done the usual way, with full
 * {@code Pod} objects. Each approach runs a few times first so that the JIT has compiled it.
 *
 * <p>Arguments: kubeconfig with one context, its name, warm-up runs, output properties file.
 */
public final class ClientCostMain {

    /** The label of podtally's counter in the output. */
    public static final String COUNTER = "counter";
    /** The label of the full-object count in the output. */
    public static final String FULL_PODS = "full-pods";

    private static final Logger log = LoggerFactory.getLogger(ClientCostMain.class);
    private static final String ACTIVE = "status.phase!=Succeeded,status.phase!=Failed";

    private ClientCostMain() {
    }

    public static void main(String[] args) throws IOException {
        Path kubeconfig = Path.of(args[0]);
        String context = args[1];
        int warmups = Integer.parseInt(args[2]);
        Path output = Path.of(args[3]);
        // the kubeconfig has one context, the current one
        Config config = Config.fromKubeconfig(Files.readString(kubeconfig, StandardCharsets.UTF_8));
        Properties results = new Properties();
        log.info("client cost of one pod count of {}", context);
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
            Fabric8PodCounter counter = new Fabric8PodCounter(client, PodCounterSettings.defaults());
            measure(COUNTER, warmups, results, () -> {
                PodCountResult result = counter.count();
                if (!result.complete()) {
                    throw new IllegalStateException("the count was partial: " + result.failure());
                }
                return new Count(result.pods(), result.pages(), result.countsByNode().values().stream()
                        .mapToLong(Integer::longValue).sum());
            });
            measure(FULL_PODS, warmups, results, () -> countFullPods(client));
        }
        try (Writer writer = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
            results.store(writer, "client cost of one pod count");
        }
    }

    private static void measure(String approach, int warmups, Properties results, Supplier<Count> count) {
        for (int i = 0; i < warmups; i++) {
            count.get();
        }
        System.gc();
        ThreadCosts before = ThreadCosts.now();
        Count measured = count.get();
        ThreadCosts.Delta cost = ThreadCosts.now().since(before);
        log.info("{}: {} pods in {} pages, {} ms thread CPU, {} MB allocated", approach, measured.pods(),
                measured.pages(), cost.threadCpuNanos() / 1_000_000, cost.allocatedBytes() / 1_000_000);
        results.setProperty(approach + ".pods", Long.toString(measured.pods()));
        results.setProperty(approach + ".pages", Integer.toString(measured.pages()));
        results.setProperty(approach + ".counted", Long.toString(measured.counted()));
        results.setProperty(approach + ".threadCpuNanos", Long.toString(cost.threadCpuNanos()));
        results.setProperty(approach + ".allocatedBytes", Long.toString(cost.allocatedBytes()));
        results.setProperty(approach + ".processCpuNanos", Long.toString(cost.processCpuNanos()));
        results.setProperty(approach + ".gcMillis", Long.toString(cost.gcMillis()));
        results.setProperty(approach + ".wallNanos", Long.toString(cost.wallNanos()));
    }

    /** The usual way: list full {@code Pod} objects page by page and count by {@code spec.nodeName}. */
    static Count countFullPods(KubernetesClient client) {
        Map<String, Integer> counts = new HashMap<>();
        long pods = 0;
        int pages = 0;
        String next = null;
        do {
            PodList page = client.pods().inAnyNamespace().list(new ListOptionsBuilder()
                    .withFieldSelector(ACTIVE)
                    .withLimit(1000L)
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
        return new Count(pods, pages, counts.values().stream().mapToLong(Integer::longValue).sum());
    }

    record Count(long pods, int pages, long counted) {
    }
}
