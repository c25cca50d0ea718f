package io.podtally.k8s.fabric8;

import static io.podtally.k8s.fabric8.Fabric8ClusterRegistryTest.KEY_DATA;
import static io.podtally.k8s.fabric8.Fabric8ClusterRegistryTest.TOKEN;
import static io.podtally.k8s.fabric8.Fabric8ClusterRegistryTest.assertNoCredentials;
import static io.podtally.k8s.fabric8.TestNodes.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.mockwebserver.http.RecordedRequest;
import io.podtally.k8s.ClusterSettings;
import io.podtally.k8s.KubernetesCluster;
import io.podtally.k8s.NodeView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Cluster registry with kubeconfig files")
class Fabric8ClusterRegistryIT {

    @TempDir
    Path dir;

    private MockApiServer east;
    private MockApiServer west;
    private Fabric8ClusterRegistry registry;

    @BeforeEach
    void setUp() {
        east = MockApiServer.start();
        west = MockApiServer.start();
        east.client().nodes().resource(node("east-1", true)).create();
        west.client().nodes().resource(node("west-1", true)).create();
        west.client().nodes().resource(node("west-2", false)).create();
    }

    /**
     * The mock servers go first: fabric8's mock server can block its event loop when a client
     * closes a watch gracefully while the server shuts down.
     */
    @AfterEach
    void tearDown() {
        east.close();
        west.close();
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    @DisplayName("one cluster per context, named after it, each with its own working client")
    void severalContexts() throws IOException, InterruptedException {
        Path file = Files.writeString(dir.resolve("config"), """
                apiVersion: v1
                kind: Config
                current-context: kind-kind
                clusters:
                - name: east
                  cluster: {server: "%s"}
                - name: west
                  cluster: {server: "%s"}
                users:
                - name: admin
                  user: {token: %s}
                contexts:
                - name: kind-kind
                  context: {cluster: east, user: admin}
                - name: arn:aws:eks:eu-west-1:123456789012:cluster/prod
                  context: {cluster: west, user: admin, namespace: team-a}
                """.formatted(east.url(), west.url(), TOKEN));

        registry = Fabric8ClusterRegistry.create(settings(file));
        assertThat(registry.clusters()).extracting(KubernetesCluster::name)
                .containsExactly("arn:aws:eks:eu-west-1:123456789012:cluster/prod", "kind-kind");
        assertThat(registry.find("prod")).isEmpty();
        assertThat(registry.find("bad name")).isEmpty();
        assertThat(registry.find(null)).isEmpty();

        long started = System.nanoTime();
        registry.start();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));

        KubernetesCluster kind = registry.find("kind-kind").orElseThrow();
        KubernetesCluster prod = registry.find("arn:aws:eks:eu-west-1:123456789012:cluster/prod").orElseThrow();
        assertThat(kind.nodes().awaitSynced(Duration.ofSeconds(10))).isTrue();
        assertThat(prod.nodes().awaitSynced(Duration.ofSeconds(10))).isTrue();
        assertThat(kind.nodes().list()).extracting(NodeView::name).containsExactly("east-1");
        assertThat(prod.nodes().list()).extracting(NodeView::name).containsExactly("west-1", "west-2");

        RecordedRequest request = east.server().takeRequest(5, TimeUnit.SECONDS);
        while (request != null && !("GET".equals(request.getMethod()) && request.getPath().startsWith("/api/v1/nodes"))) {
            request = east.server().takeRequest(5, TimeUnit.SECONDS);
        }
        assertThat(request).isNotNull();
        assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);

        assertNoCredentials(registry.toString());
        registry.clusters().forEach(c -> assertNoCredentials(c.toString()));
        assertThat(kind.toString()).isEqualTo("KubernetesCluster[kind-kind at " + east.url() + "/]");
    }

    @Test
    @DisplayName("several files are merged like $KUBECONFIG: the first definition of a context wins")
    void twoFilesMerged() throws IOException {
        Path first = Files.writeString(dir.resolve("first"), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: east
                  cluster: {server: "%s"}
                users:
                - name: admin
                  user: {token: %s, client-key-data: %s}
                - name: reader
                  user: {token: reader-token}
                contexts:
                - name: prod-eu-1
                  context: {cluster: east, user: reader}
                """.formatted(east.url(), TOKEN, KEY_DATA));
        Path second = Files.writeString(dir.resolve("second"), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: west
                  cluster: {server: "%s"}
                contexts:
                - name: prod-eu-1
                  context: {cluster: west, user: reader}
                - name: gke_project_zone_name
                  context: {cluster: west, user: reader}
                """.formatted(west.url()));

        registry = Fabric8ClusterRegistry.create(settings(first, second));
        assertThat(registry.clusters()).extracting(KubernetesCluster::name)
                .containsExactly("gke_project_zone_name", "prod-eu-1");
        registry.start();

        KubernetesCluster prod = registry.find("prod-eu-1").orElseThrow();
        KubernetesCluster gke = registry.find("gke_project_zone_name").orElseThrow();
        assertThat(prod.nodes().awaitSynced(Duration.ofSeconds(10))).isTrue();
        assertThat(gke.nodes().awaitSynced(Duration.ofSeconds(10))).isTrue();
        assertThat(prod.nodes().list()).extracting(NodeView::name).containsExactly("east-1");
        assertThat(gke.nodes().list()).extracting(NodeView::name).containsExactly("west-1", "west-2");
        assertNoCredentials(registry.toString());
    }

    private static ClusterSettings settings(Path... files) {
        ClusterSettings base = TestNodes.settings(Duration.ofSeconds(5));
        return new ClusterSettings(List.of(files), false, base.connectTimeout(), base.requestTimeout(),
                base.informerSyncTimeout(), base.metricsRefreshInterval(), base.podCounter());
    }
}
