package io.podtally.k8s.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.NodeMetricsList;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("SimulatedCluster")
class SimulatedClusterIT {

    private static SimulatedCluster sim;
    private static KubernetesClient client;

    @BeforeAll
    static void start() {
        sim = SimulatedCluster.builder().nodes(40).activePods(1200).seed(7).start();
        client = clientFor(sim);
    }

    @AfterAll
    static void stop() {
        client.close();
        sim.close();
    }

    @AfterEach
    void reset() {
        sim.clearFaults();
        sim.unavailable(false);
        sim.metricsEnabled(true);
        sim.start();
        sim.resetRequestCounts();
    }

    static KubernetesClient clientFor(SimulatedCluster cluster) {
        Config config = Config.fromKubeconfig(cluster.kubeconfigYaml("sim"));
        config.setRequestRetryBackoffLimit(0);
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    private static PodList page(String fieldSelector, int limit, String continueToken) {
        return client.pods().inAnyNamespace()
                .list(new ListOptionsBuilder().withFieldSelector(fieldSelector).withLimit((long) limit)
                        .withContinue(continueToken).build());
    }

    @Test
    @DisplayName("pages through every pod exactly once with a correct remainingItemCount")
    void pagingReturnsEveryPodOnce() {
        Set<String> seen = new HashSet<>();
        String token = null;
        int pages = 0;
        do {
            PodList list = page(null, 100, token);
            pages++;
            list.getItems().forEach(p -> assertThat(seen.add(p.getMetadata().getNamespace() + "/"
                    + p.getMetadata().getName())).isTrue());
            token = list.getMetadata().getContinue();
            if (token != null) {
                assertThat(list.getMetadata().getRemainingItemCount()).isEqualTo(sim.totalPods() - seen.size());
            } else {
                assertThat(list.getMetadata().getRemainingItemCount()).isNull();
            }
            assertThat(list.getMetadata().getResourceVersion()).isNotBlank();
        } while (token != null);
        assertThat(seen).hasSize(sim.totalPods());
        assertThat(pages).isEqualTo((sim.totalPods() + 99) / 100);
        assertThat(sim.requestCounts().get(RequestKind.POD_LIST_PAGES)).isEqualTo(pages);
        assertThat(sim.requestCounts().get(RequestKind.POD_LIST_SEQUENCES)).isEqualTo(1);
    }

    @Test
    @DisplayName("keeps remainingItemCount right when pods change in the middle of a list")
    void remainingItemCountAfterChanges() {
        try (SimulatedCluster own = SimulatedCluster.builder().nodes(12).activePods(300).start();
                KubernetesClient ownClient = clientFor(own)) {
            String selector = "status.phase!=Succeeded,status.phase!=Failed";
            PodList first = ownClient.pods().inAnyNamespace().list(new ListOptionsBuilder()
                    .withFieldSelector(selector).withLimit(100L).build());
            own.addUnscheduledPods(7);
            PodList second = ownClient.pods().inAnyNamespace().list(new ListOptionsBuilder()
                    .withFieldSelector(selector).withLimit(100L).withContinue(first.getMetadata().getContinue()).build());
            long after = ownClient.pods().inAnyNamespace().list(new ListOptionsBuilder().withFieldSelector(selector)
                    .withLimit(100_000L).withContinue(second.getMetadata().getContinue()).build()).getItems().size();

            assertThat(second.getMetadata().getRemainingItemCount()).isEqualTo(after);
        }
    }

    @Test
    @DisplayName("a continued list answers the pods as they were when it started, like the API server; the next list sees the changes")
    void consistentContinuedList() {
        try (SimulatedCluster own = SimulatedCluster.builder().nodes(12).activePods(300).start();
                KubernetesClient ownClient = clientFor(own)) {
            String selector = "status.phase!=Succeeded,status.phase!=Failed";
            Map<String, Integer> before = own.activePodsByNode();
            String node = own.nodeNames().get(3);
            PodList first = ownClient.pods().inAnyNamespace().list(new ListOptionsBuilder()
                    .withFieldSelector(selector).withLimit(100L).build());

            own.addPods(node, 5);
            own.completePods(own.nodeNames().get(5), 2);
            List<Pod> listed = new ArrayList<>(first.getItems());
            String next = first.getMetadata().getContinue();
            while (next != null && !next.isEmpty()) {
                PodList page = ownClient.pods().inAnyNamespace().list(new ListOptionsBuilder()
                        .withFieldSelector(selector).withLimit(100L).withContinue(next).build());
                assertThat(page.getMetadata().getResourceVersion()).isEqualTo(first.getMetadata().getResourceVersion());
                listed.addAll(page.getItems());
                next = page.getMetadata().getContinue();
            }

            assertThat(byNode(listed)).isEqualTo(before);
            List<Pod> fresh = ownClient.pods().inAnyNamespace().list(new ListOptionsBuilder()
                    .withFieldSelector(selector).withLimit(100_000L).build()).getItems();
            assertThat(byNode(fresh)).isEqualTo(own.activePodsByNode()).isNotEqualTo(before);
        }
    }

    @Test
    @DisplayName("continuing a list whose starting state is no longer kept, after the pods changed, answers 410 Expired")
    void expiredContinue() {
        try (SimulatedCluster own = SimulatedCluster.builder().nodes(4).activePods(50).start();
                KubernetesClient ownClient = clientFor(own)) {
            ListOptionsBuilder page = new ListOptionsBuilder().withLimit(10L);
            String stale = ownClient.pods().inAnyNamespace().list(page.build()).getMetadata().getContinue();
            own.addPods(own.nodeNames().get(0), 1);
            for (int i = 0; i < 32; i++) {
                // every list still open keeps a state; the oldest are forgotten first
                ownClient.pods().inAnyNamespace().list(page.build());
                own.addPods(own.nodeNames().get(1), 1);
            }

            assertThatThrownBy(() -> ownClient.pods().inAnyNamespace().list(new ListOptionsBuilder().withLimit(10L)
                    .withContinue(stale).build()))
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                        assertThat(e.getCode()).isEqualTo(410);
                        assertThat(e.getStatus().getReason()).isEqualTo("Expired");
                    });
        }
    }

    private static Map<String, Integer> byNode(List<Pod> pods) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Pod pod : pods) {
            if (pod.getSpec().getNodeName() != null) {
                counts.merge(pod.getSpec().getNodeName(), 1, Integer::sum);
            }
        }
        return counts;
    }

    @Test
    @DisplayName("filters pods by status.phase and spec.nodeName field selectors")
    void fieldSelectors() {
        long active = page("status.phase!=Succeeded,status.phase!=Failed", 0, null).getItems().size();
        assertThat(active).isEqualTo(sim.activePods() + sim.unscheduledActivePods());

        long unscheduled = page("spec.nodeName=,status.phase=Pending", 0, null).getItems().size();
        assertThat(unscheduled).isEqualTo(sim.unscheduledActivePods()).isPositive();

        String node = sim.activePodsByNode().keySet().iterator().next();
        PodList onNode = page("spec.nodeName=" + node + ",status.phase!=Succeeded,status.phase!=Failed", 0, null);
        assertThat(onNode.getItems()).hasSize(sim.activePodsByNode().get(node))
                .allSatisfy(p -> assertThat(p.getSpec().getNodeName()).isEqualTo(node));

        assertThatThrownBy(() -> page("spec.schedulerName=x", 0, null))
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(400));
    }

    @Test
    @DisplayName("serves pods of realistic size with the fields a real API server sends")
    void realisticPods() throws Exception {
        HttpResponse<byte[]> response = raw("/api/v1/pods?limit=500");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body().length / 500).isBetween(3000, 6000);

        Pod pod = page("status.phase=Running", 1, null).getItems().get(0);
        assertThat(pod.getMetadata().getManagedFields()).isNotEmpty();
        assertThat(pod.getMetadata().getOwnerReferences()).isNotEmpty();
        assertThat(pod.getSpec().getContainers().get(0).getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(pod.getSpec().getTolerations()).hasSize(2);
        assertThat(pod.getStatus().getConditions()).isNotEmpty();
        assertThat(pod.getStatus().getContainerStatuses()).isNotEmpty();
    }

    @Test
    @DisplayName("lists and gets nodes, and pushes node changes to a fabric8 informer")
    void nodeWatch() {
        try (SimulatedCluster sim = SimulatedCluster.builder().nodes(12).activePods(100).start();
                KubernetesClient client = clientFor(sim)) {
            followsNodeChanges(sim, client);
        }
    }

    private static void followsNodeChanges(SimulatedCluster sim, KubernetesClient client) {
        assertThat(client.nodes().list().getItems()).hasSize(sim.nodeNames().size());
        String name = sim.nodeNames().get(5);
        assertThat(client.nodes().withName(name).get().getMetadata().getName()).isEqualTo(name);

        SharedIndexInformer<Node> informer = client.nodes().inform();
        try {
            await().atMost(Duration.ofSeconds(10)).until(informer::hasSynced);
            assertThat(informer.getStore().list()).hasSize(sim.nodeNames().size());
            await().atMost(Duration.ofSeconds(5)).until(() -> sim.openNodeWatches() == 1);

            sim.setNodeReady(name, false);
            sim.cordonNode(name, true);
            String added = sim.addNode();
            sim.removeNode(sim.nodeNames().get(0));

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Node node = informer.getStore().getByKey(name);
                assertThat(node.getSpec().getUnschedulable()).isTrue();
                assertThat(node.getStatus().getConditions()).anySatisfy(c -> {
                    assertThat(c.getType()).isEqualTo("Ready");
                    assertThat(c.getStatus()).isEqualTo("Unknown");
                });
                assertThat(informer.getStore().getByKey(added)).isNotNull();
                assertThat(informer.getStore().list()).hasSize(sim.nodeNames().size());
            });
        } finally {
            informer.close();
        }
        assertThat(sim.requestCounts().get(RequestKind.NODE_WATCHES)).isGreaterThanOrEqualTo(1);
        assertThat(sim.requestCounts().get(RequestKind.NODE_LISTS)).isGreaterThanOrEqualTo(2);
    }

    @Test
    @DisplayName("a node re-created under its name gets a new uid, which the API and a fabric8 informer see")
    void recreatedNodeHasNewUid() {
        try (SimulatedCluster sim = SimulatedCluster.builder().nodes(4).activePods(40).start();
                KubernetesClient client = clientFor(sim)) {
            String name = sim.nodeNames().get(2);
            String before = sim.nodeUid(name);
            assertThat(client.nodes().withName(name).get().getMetadata().getUid()).isEqualTo(before);
            SharedIndexInformer<Node> informer = client.nodes().inform();
            try {
                await().atMost(Duration.ofSeconds(10)).until(informer::hasSynced);
                await().atMost(Duration.ofSeconds(5)).until(() -> sim.openNodeWatches() == 1);

                String after = sim.recreateNode(name);

                assertThat(after).isNotEqualTo(before).isEqualTo(sim.nodeUid(name));
                assertThat(client.nodes().withName(name).get().getMetadata().getUid()).isEqualTo(after);
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                        assertThat(informer.getStore().getByKey(name).getMetadata().getUid()).isEqualTo(after));
            } finally {
                informer.close();
            }
        }
    }

    @Test
    @DisplayName("pushes pod changes to a pod watch with a field selector")
    void podWatch() {
        try (SimulatedCluster sim = SimulatedCluster.builder().nodes(12).activePods(100).start();
                KubernetesClient client = clientFor(sim)) {
            String node = sim.nodeNames().get(4);
            List<String> events = new CopyOnWriteArrayList<>();
            Watcher<Pod> watcher = new Watcher<>() {
                @Override
                public void eventReceived(Action action, Pod pod) {
                    events.add(action + " " + pod.getSpec().getNodeName() + " " + pod.getStatus().getPhase());
                }

                @Override
                public void onClose(WatcherException cause) {
                    // the watch ends with the test
                }
            };
            try (Watch watch = client.pods().inAnyNamespace().watch(new ListOptionsBuilder()
                    .withFieldSelector("status.phase!=Succeeded,status.phase!=Failed")
                    .withResourceVersion(Long.toString(sim.resourceVersion())).build(), watcher)) {
                await().atMost(Duration.ofSeconds(5)).until(() -> sim.openPodWatches() == 1);
                sim.addPods(node, 2);
                sim.completePods(node, 1);

                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events)
                        .hasSize(3)
                        .startsWith("ADDED " + node + " Running", "ADDED " + node + " Running")
                        .endsWith("DELETED " + node + " Succeeded"));
            }
            assertThat(sim.requestCounts().get(RequestKind.POD_WATCHES)).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("serves node metrics, or 404 when metrics are switched off")
    void metrics() {
        NodeMetricsList metrics = client.top().nodes().metrics();
        assertThat(metrics.getItems()).hasSize(sim.nodeNames().size());
        assertThat(metrics.getItems().get(0).getUsage()).containsKeys("cpu", "memory");

        sim.metricsEnabled(false);
        assertThatThrownBy(() -> client.top().nodes().metrics())
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(404));
        assertThat(sim.requestCounts().get(RequestKind.METRICS)).isEqualTo(2);
    }

    @Test
    @DisplayName("injects 5xx, 410 Expired, 429 with Retry-After and extra latency on a given page")
    void pageFaults() throws Exception {
        sim.failPage(2, 500);
        sim.expirePageOnce(3);
        sim.throttlePageOnce(4, Duration.ofSeconds(2));
        PodList first = page(null, 100, null);
        String token = first.getMetadata().getContinue();
        assertThat(raw("/api/v1/pods?limit=100&continue=" + token).statusCode()).isEqualTo(500);
        assertThat(raw("/api/v1/pods?limit=100&continue=" + token).statusCode()).isEqualTo(500);
        sim.clearFaults();
        sim.expirePageOnce(3);
        sim.throttlePageOnce(4, Duration.ofSeconds(2));
        String token3 = page(null, 100, token).getMetadata().getContinue();
        HttpResponse<byte[]> expired = raw("/api/v1/pods?limit=100&continue=" + token3);
        assertThat(expired.statusCode()).isEqualTo(410);
        assertThat(new String(expired.body())).contains("\"reason\":\"Expired\"");
        String token4 = page(null, 100, token3).getMetadata().getContinue();
        HttpResponse<byte[]> throttled = raw("/api/v1/pods?limit=100&continue=" + token4);
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).hasValue("2");
        assertThat(raw("/api/v1/pods?limit=100&continue=" + token4).statusCode()).isEqualTo(200);

        sim.injectPageFault(1, PageFault.delay(Duration.ofMillis(300)), 1);
        long start = System.nanoTime();
        assertThat(raw("/api/v1/pods?limit=10").statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    @DisplayName("a stalled page never answers")
    void stalledPage() {
        sim.stallPage(1);
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(sim.url() + "/api/v1/pods?limit=10"))
                .timeout(Duration.ofMillis(500)).build();
        assertThatThrownBy(() -> http.send(request, HttpResponse.BodyHandlers.ofByteArray()))
                .isInstanceOf(java.net.http.HttpTimeoutException.class);
    }

    @Test
    @DisplayName("answers 503 while unavailable, refuses connections while stopped, and starts again on the same port")
    void downAndUp() throws Exception {
        int port = sim.port();
        sim.unavailable(true);
        assertThat(raw("/api/v1/nodes").statusCode()).isEqualTo(503);
        sim.unavailable(false);

        sim.stop();
        assertThat(sim.running()).isFalse();
        assertThatThrownBy(() -> raw("/api/v1/nodes")).isInstanceOf(IOException.class);
        sim.start();
        assertThat(sim.port()).isEqualTo(port);
        assertThat(raw("/api/v1/nodes").statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("states the truth: active pods per node, unscheduled pods, and follows pod changes")
    void truthAndPodChanges() {
        try (SimulatedCluster sim = SimulatedCluster.builder().nodes(40).activePods(1200).seed(7).start()) {
            followsPodChanges(sim);
        }
    }

    private static void followsPodChanges(SimulatedCluster sim) {
        Map<String, Integer> before = new HashMap<>(sim.activePodsByNode());
        assertThat(before.values().stream().mapToLong(Integer::longValue).sum()).isEqualTo(1200);
        assertThat(sim.activePods()).isEqualTo(1200);
        assertThat(sim.unscheduledActivePods()).isEqualTo(24);
        assertThat(sim.nodeNames()).hasSize(40).contains("control-plane-1", "node-0001");

        String node = before.keySet().iterator().next();
        sim.addPods(node, 3);
        assertThat(sim.completePods(node, 2)).isEqualTo(2);
        assertThat(sim.removePods(node, 1)).isEqualTo(1);
        sim.addUnscheduledPods(5);
        assertThat(sim.activePodsByNode().get(node)).isEqualTo(before.get(node));
        assertThat(sim.unscheduledActivePods()).isEqualTo(29);
    }

    @Test
    @DisplayName("writes a kubeconfig that fabric8 accepts")
    void kubeconfig(@TempDir Path dir) {
        Path file = sim.writeKubeconfig(dir.resolve("config"), "demo@sim");
        assertThat(file).exists();
        Config config = Config.fromKubeconfig(null, file.toFile());
        assertThat(config.getCurrentContext().getName()).isEqualTo("demo@sim");
        try (KubernetesClient other = new KubernetesClientBuilder().withConfig(config).build()) {
            assertThat(other.getKubernetesVersion().getGitVersion()).isEqualTo("v1.31.4");
        }
    }

    private static HttpResponse<byte[]> raw(String path) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return http.send(HttpRequest.newBuilder(URI.create(sim.url() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
