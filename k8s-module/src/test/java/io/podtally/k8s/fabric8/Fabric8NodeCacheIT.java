package io.podtally.k8s.fabric8;

import static io.podtally.k8s.fabric8.TestNodes.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.podtally.k8s.ErrorCategory;
import io.podtally.k8s.NodeCache.InformerState;
import io.podtally.k8s.NodeView;
import io.podtally.k8s.sim.RequestKind;
import io.podtally.k8s.sim.SimulatedCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Slim node informer")
class Fabric8NodeCacheIT {

    private final List<MockApiServer> servers = new ArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private ScheduledExecutorService scheduler;

    @BeforeEach
    void setUp() {
        scheduler = Executors.newSingleThreadScheduledExecutor();
    }

    /**
     * The mock servers go first: fabric8's mock server can block its event loop when a client
     * closes a watch gracefully while the server shuts down.
     */
    @AfterEach
    void tearDown() throws Exception {
        for (MockApiServer server : servers) {
            server.close();
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        scheduler.shutdownNow();
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        resources.add(resource);
        return resource;
    }

    private MockApiServer serverLater(MockApiServer server) {
        servers.add(server);
        return server;
    }

    private Fabric8NodeCache cache(io.fabric8.kubernetes.client.Config config, Duration syncTimeout) {
        KubernetesClient client = closeLater(Fabric8Clients.create(config, TestNodes.settings(syncTimeout)));
        return closeLater(new Fabric8NodeCache("test", client, syncTimeout, scheduler));
    }

    @Test
    @DisplayName("syncs, keeps only the slim fields and follows nodes being added, changed and deleted")
    void followsNodeChanges() {
        MockApiServer server = serverLater(MockApiServer.start());
        server.client().nodes().resource(node("node-b", true)).create();
        server.client().nodes().resource(node("node-a", true)).create();
        Fabric8NodeCache cache = cache(server.config(), Duration.ofSeconds(10));

        cache.start();

        assertThat(cache.awaitSynced(Duration.ofSeconds(10))).isTrue();
        assertThat(cache.state()).isEqualTo(InformerState.SYNCED);
        assertThat(cache.lastError()).isNull();
        assertThat(cache.list()).extracting(NodeView::name).containsExactly("node-a", "node-b");
        NodeView a = cache.get("node-a").orElseThrow();
        assertThat(a.ready()).isTrue();
        assertThat(a.unschedulable()).isFalse();
        assertThat(a.roles()).containsExactly("worker");
        assertThat(a.internalIp()).isEqualTo("10.0.0.7");
        assertThat(a.externalIp()).isEqualTo("203.0.113.7");
        assertThat(a.capacity()).containsEntry("cpu", "8").containsEntry("memory", "32Gi").containsEntry("pods", "110");
        assertThat(a.allocatable()).containsEntry("cpu", "7800m");
        assertThat(a.kubeletVersion()).isEqualTo("v1.31.2");
        assertThat(a.osImage()).isEqualTo("Ubuntu 22.04.4 LTS");
        assertThat(a.kernelVersion()).isEqualTo("6.5.0-1022-aws");
        assertThat(a.containerRuntimeVersion()).isEqualTo("containerd://1.7.22");
        assertThat(a.taints()).containsExactly(new NodeView.Taint("dedicated", "batch", "NoSchedule"));
        assertThat(a.createdAt()).isNotNull();
        assertThat(a.conditions()).extracting(NodeView.Condition::type).containsExactly("MemoryPressure", "Ready");
        assertThat(cache.informerStoreItems()).hasSize(2).allSatisfy(stored -> {
            assertThat(stored.getStatus()).isNull();
            assertThat(stored.getSpec()).isNull();
            assertThat(stored.getMetadata().getManagedFields()).isNullOrEmpty();
            assertThat(stored.getMetadata().getLabels()).isNullOrEmpty();
            assertThat(stored.getMetadata().getResourceVersion()).isNotBlank();
        });
        long synced = cache.fingerprint();

        server.client().nodes().resource(node("node-c", true)).create();
        await().atMost(Duration.ofSeconds(10)).until(() -> cache.get("node-c").isPresent());
        assertThat(cache.fingerprint()).isNotEqualTo(synced);

        long added = cache.fingerprint();
        server.client().nodes().withName("node-a").edit(n -> {
            n.getSpec().setUnschedulable(true);
            n.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType()))
                    .forEach(c -> c.setStatus("False"));
            return n;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> !cache.get("node-a").orElseThrow().ready());
        assertThat(cache.get("node-a").orElseThrow().unschedulable()).isTrue();
        assertThat(cache.fingerprint()).isNotEqualTo(added);

        server.client().nodes().withName("node-b").delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> cache.get("node-b").isEmpty());
        assertThat(cache.list()).extracting(NodeView::name).containsExactly("node-a", "node-c");
        assertThat(cache.state()).isEqualTo(InformerState.SYNCED);
    }

    @Test
    @DisplayName("lists nodes in pages of 250: syncs all 1,200 nodes of a cluster in 5 pages, then follows changes")
    void pagedInitialList() {
        SimulatedCluster sim = closeLater(SimulatedCluster.builder().nodes(1200).activePods(0).start());
        Fabric8NodeCache cache = cache(io.fabric8.kubernetes.client.Config.fromKubeconfig(sim.kubeconfigYaml("sim")),
                Duration.ofSeconds(10));

        cache.start();

        assertThat(cache.awaitSynced(Duration.ofSeconds(10))).isTrue();
        assertThat(cache.list()).extracting(NodeView::name).containsExactlyInAnyOrderElementsOf(sim.nodeNames());
        assertThat(sim.requestCounts().get(RequestKind.NODE_LISTS)).isEqualTo(5);

        String name = sim.nodeNames().get(1100);
        await().atMost(Duration.ofSeconds(5)).until(() -> sim.openNodeWatches() == 1);
        sim.setNodeReady(name, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> !cache.get(name).orElseThrow().ready());
        assertThat(cache.list()).hasSize(1200);
    }

    @Test
    @DisplayName("with no API server: start returns at once, degraded after the deadline, synced once a server appears")
    void deadServerThenRecovers() throws Exception {
        Set<Long> threadsBefore = TestThreads.live();
        int port = MockApiServer.freePort();
        Fabric8NodeCache cache = cache(MockApiServer.configFor(port), Duration.ofSeconds(1));

        long started = System.nanoTime();
        cache.start();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));

        assertThat(cache.awaitSynced(Duration.ofMillis(1500))).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> cache.state() == InformerState.DEGRADED);
        assertThat(cache.synced()).isFalse();
        assertThat(cache.lastError()).contains("not synced within 1000 ms");
        assertThat(cache.errorCategory()).isEqualTo(ErrorCategory.UNREACHABLE);
        assertThat(cache.list()).isEmpty();
        assertThat(cache.get("node-a")).isEmpty();

        MockApiServer server = serverLater(MockApiServer.startOn(port));
        server.client().nodes().resource(node("node-a", true)).create();

        await().atMost(Duration.ofSeconds(40)).until(() -> cache.state() == InformerState.SYNCED);
        assertThat(cache.awaitSynced(Duration.ofSeconds(1))).isTrue();
        assertThat(cache.lastError()).isNull();
        assertThat(cache.errorCategory()).isNull();
        assertThat(cache.list()).extracting(NodeView::name).containsExactly("node-a");

        closeAll();
        assertThat(cache.state()).isEqualTo(InformerState.STOPPED);
        // The cache's own threads end with close(). fabric8's process-wide CachedSingleThreadScheduler, which
        // schedules the informer's relist back-off, retires itself only when it finds its queue empty at a check
        // that runs every 10 s, so it can outlive its last task by up to 20 s.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(TestThreads.startedSince(threadsBefore))
                .filteredOn(name -> !name.startsWith("CachedSingleThreadScheduler")).isEmpty());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(TestThreads.startedSince(threadsBefore)).isEmpty());
    }

    @Test
    @DisplayName("an API server that refuses the identity (403): the full text in lastError, the category forbidden")
    void forbiddenIsCategorized() {
        SimulatedCluster sim = closeLater(SimulatedCluster.builder().nodes(2).activePods(10).start());
        sim.forbidden(true);
        Fabric8NodeCache cache = cache(io.fabric8.kubernetes.client.Config.fromKubeconfig(sim.kubeconfigYaml("sim")),
                Duration.ofSeconds(1));
        cache.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> cache.errorCategory() == ErrorCategory.FORBIDDEN);
        assertThat(cache.state()).isEqualTo(InformerState.DEGRADED);
        assertThat(cache.lastError()).contains("403").contains("forbidden");

        sim.forbidden(false);
        await().atMost(Duration.ofSeconds(40)).until(() -> cache.state() == InformerState.SYNCED);
        assertThat(cache.errorCategory()).isNull();
    }

    @Test
    @DisplayName("an API server that goes away after the sync leaves the cache degraded with its nodes; it recovers")
    void serverGoesAwayAfterSync() {
        MockApiServer first = MockApiServer.start();
        int port = first.port();
        first.client().nodes().resource(node("node-a", true)).create();
        Fabric8NodeCache cache = cache(first.config(), Duration.ofSeconds(1));
        cache.start();
        assertThat(cache.awaitSynced(Duration.ofSeconds(10))).isTrue();

        first.close();

        await().atMost(Duration.ofSeconds(10)).until(() -> cache.state() == InformerState.DEGRADED);
        assertThat(cache.lastError()).contains("watch on nodes lost");
        assertThat(cache.errorCategory()).isEqualTo(ErrorCategory.UNREACHABLE);
        assertThat(cache.list()).extracting(NodeView::name).containsExactly("node-a");

        MockApiServer second = serverLater(MockApiServer.startOn(port));
        second.client().nodes().resource(node("node-a", true)).create();
        await().atMost(Duration.ofSeconds(40)).until(() -> cache.state() == InformerState.SYNCED);
        assertThat(cache.lastError()).isNull();
    }

    private void closeAll() throws Exception {
        tearDown();
        servers.clear();
        resources.clear();
    }
}
