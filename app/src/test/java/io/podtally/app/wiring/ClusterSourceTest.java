package io.podtally.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("the start-up line naming where the clusters come from and why")
class ClusterSourceTest {

    private static final List<Path> HOME_CONFIG = List.of(Path.of("/home/me/.kube/config"));

    @Test
    @DisplayName("a found ~/.kube/config: its real contexts are served, the demo stays off under auto")
    void homeKubeconfig() {
        String line = ClusterSource.describe(false, null, HOME_CONFIG, false, List.of("prod", "staging"),
                "auto", List.of());

        assertThat(line).contains("kubeconfig [/home/me/.kube/config] (found at ~/.kube/config)")
                .contains("no demo (podtally.demo.enabled=auto and 2 clusters configured")
                .endsWith("serving configured clusters [prod, staging]");
    }

    @Test
    @DisplayName("$KUBECONFIG and the property are named as the reason")
    void kubeconfigReasons() {
        assertThat(ClusterSource.describe(false, "/tmp/k1:/tmp/k2", List.of(Path.of("/tmp/k1"), Path.of("/tmp/k2")),
                false, List.of("a"), "auto", List.of())).contains("(from $KUBECONFIG)");
        assertThat(ClusterSource.describe(true, "/tmp/k1", List.of(Path.of("/etc/kubeconfigs/prod")), false,
                List.of("a"), "off", List.of()))
                .contains("(set by podtally.clusters.kubeconfig)").contains("no demo (podtally.demo.enabled=off)");
    }

    @Test
    @DisplayName("nothing configured: the demo clusters, and why")
    void demoByDefault() {
        String line = ClusterSource.describe(false, null, List.of(), false, List.of(), "auto",
                List.of("incident", "large"));

        assertThat(line).contains("no kubeconfig (neither $KUBECONFIG nor ~/.kube/config)")
                .contains("demo clusters [incident, large] (podtally.demo.enabled=auto and no cluster configured)");
    }

    @Test
    @DisplayName("an empty kubeconfig property, in-cluster and a forced demo")
    void forcedDemoAndInCluster() {
        String line = ClusterSource.describe(true, "/tmp/k1", List.of(), true, List.of("in-cluster"),
                "on", List.of("incident"));

        assertThat(line).contains("no kubeconfig (podtally.clusters.kubeconfig set empty)")
                .contains("in-cluster service account (podtally.clusters.in-cluster=true)")
                .contains("demo clusters [incident] (podtally.demo.enabled=on)");
    }
}
