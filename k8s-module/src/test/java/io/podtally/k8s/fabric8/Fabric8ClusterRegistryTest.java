package io.podtally.k8s.fabric8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fabric8.kubernetes.client.Config;
import io.podtally.k8s.ClusterRegistryException;
import io.podtally.k8s.KubernetesCluster;
import io.podtally.k8s.RejectedCluster;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

@DisplayName("Cluster registry configuration")
class Fabric8ClusterRegistryTest {

    static final String TOKEN = "s3cr3t-t0ken-do-not-show";
    static final String KEY_DATA = "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCnNlY3JldGtleWRhdGEKLS0tLS1FTkQgUFJJVkFURSBLRVktLS0tLQo=";

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    @DisplayName("an odd context name does not abort start-up: skipped with a WARN naming it and its rule, the others served")
    void oddContextNameIsSkippedAndTheOthersServed() throws IOException {
        String long200 = "c".repeat(200);
        Path file = write("odd", """
                apiVersion: v1
                kind: Config
                clusters:
                - name: c
                  cluster:
                    server: http://127.0.0.1:1
                users:
                - name: u
                  user:
                    token: %s
                    client-key-data: %s
                contexts:
                - name: good-one
                  context: {cluster: c, user: u}
                - name: "my cluster"
                  context: {cluster: c, user: u}
                - name: "prod {eu} 1"
                  context: {cluster: c, user: u}
                - name: %s
                  context: {cluster: c, user: u}
                """.formatted(TOKEN, KEY_DATA, long200));
        Logger logger = (Logger) LoggerFactory.getLogger(Kubeconfigs.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);

        try (Fabric8ClusterRegistry registry = Fabric8ClusterRegistry.create(settings(file))) {
            assertThat(registry.clusters()).extracting(KubernetesCluster::name).containsExactly("good-one");
            assertThat(registry.find("good-one")).isPresent();
            assertThat(registry.rejected()).extracting(RejectedCluster::name)
                    .containsExactly("my cluster", "prod {eu} 1", "c".repeat(64) + "...");
            assertThat(registry.rejected()).extracting(RejectedCluster::reason).satisfiesExactly(
                    reason -> assertThat(reason).contains("may contain only letters, digits"),
                    reason -> assertThat(reason).contains("may contain only letters, digits"),
                    reason -> assertThat(reason).contains("longer than 128 characters"));
        } finally {
            logger.detachAppender(logged);
        }
        List<String> warnings = logged.list.stream()
                .filter(event -> event.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
        assertThat(warnings).anySatisfy(line -> assertThat(line).contains(file.toString())
                .contains("context 'my cluster'").contains("skipped").contains("may contain only letters, digits"));
        assertThat(warnings).anySatisfy(line -> assertThat(line).contains("context 'prod {eu} 1'").contains("skipped"));
        assertThat(warnings).anySatisfy(line -> assertThat(line).contains("context '" + "c".repeat(64) + "...'")
                .contains("longer than 128 characters"));
        warnings.forEach(Fabric8ClusterRegistryTest::assertNoCredentials);
    }

    @Test
    @DisplayName("refuses a missing kubeconfig file clearly")
    void refusesMissingFile() {
        Path missing = dir.resolve("nowhere/config");

        assertThatThrownBy(() -> Fabric8ClusterRegistry.create(settings(missing)))
                .isInstanceOf(ClusterRegistryException.class)
                .hasMessage("kubeconfig file " + missing + " does not exist");
    }

    @Test
    @DisplayName("refuses a file that is not a kubeconfig without quoting its content")
    void refusesUnparseableFile() throws IOException {
        Path file = write("broken", "users:\n- name: u\n  user: {token: " + TOKEN + "\n  : [\n");

        assertThatThrownBy(() -> Fabric8ClusterRegistry.create(settings(file)))
                .isInstanceOf(ClusterRegistryException.class)
                .hasMessageStartingWith("kubeconfig file " + file + " is not a valid kubeconfig")
                .hasNoCause()
                .satisfies(e -> assertNoCredentials(e.getMessage()));
    }

    @Test
    @DisplayName("refuses an invalid cluster name given directly")
    void refusesInvalidNameInMap() {
        assertThatThrownBy(() -> Fabric8ClusterRegistry.of(Map.of("bad name", Config.empty()), settings()))
                .isInstanceOf(ClusterRegistryException.class)
                .hasMessageContaining("cluster 'bad name' is refused");
    }

    @Test
    @DisplayName("in-cluster: the API server from the environment and the service account token, read on each request")
    void inClusterConfig() throws IOException {
        Path serviceAccount = Files.createDirectories(dir.resolve("sa"));
        Files.writeString(serviceAccount.resolve("token"), "first-token\n");

        Config config = Fabric8Clients.inCluster(
                Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1", "KUBERNETES_SERVICE_PORT", "443"), serviceAccount);

        assertThat(config.getMasterUrl()).isEqualTo("https://10.96.0.1:443/");
        assertThat(config.getOauthTokenProvider().getToken()).isEqualTo("first-token");
        Files.writeString(serviceAccount.resolve("token"), "rotated-token");
        assertThat(config.getOauthTokenProvider().getToken()).isEqualTo("rotated-token");
    }

    @Test
    @DisplayName("in-cluster outside a cluster is refused clearly")
    void inClusterOutsideCluster() {
        assertThatThrownBy(() -> Fabric8Clients.inCluster(Map.of(), dir))
                .isInstanceOf(ClusterRegistryException.class)
                .hasMessageContaining("KUBERNETES_SERVICE_HOST");
    }

    @Test
    @DisplayName("default kubeconfigs: $KUBECONFIG split on the path separator, else ~/.kube/config when present")
    void defaultKubeconfigs() throws IOException {
        String variable = String.join(File.pathSeparator, "/a/config", "", "/b/config", "/a/config");
        assertThat(Fabric8ClusterRegistry.defaultKubeconfigs(variable, dir))
                .containsExactly(Path.of("/a/config"), Path.of("/b/config"));

        assertThat(Fabric8ClusterRegistry.defaultKubeconfigs(null, dir)).isEmpty();
        Path config = Files.createDirectories(dir.resolve(".kube")).resolve("config");
        Files.writeString(config, "apiVersion: v1\nkind: Config\n");
        assertThat(Fabric8ClusterRegistry.defaultKubeconfigs("", dir)).containsExactly(config);
    }

    static void assertNoCredentials(String text) {
        assertThat(text).doesNotContain(TOKEN).doesNotContain(KEY_DATA).doesNotContain("secretkeydata");
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private static io.podtally.k8s.ClusterSettings settings(Path... files) {
        io.podtally.k8s.ClusterSettings base = TestNodes.settings(Duration.ofSeconds(5));
        return new io.podtally.k8s.ClusterSettings(List.of(files), false, base.connectTimeout(), base.requestTimeout(),
                base.informerSyncTimeout(), base.metricsRefreshInterval(), base.podCounter());
    }
}
