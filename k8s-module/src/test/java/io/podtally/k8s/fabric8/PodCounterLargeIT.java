package io.podtally.k8s.fabric8;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.podtally.k8s.PodCountResult;
import io.podtally.k8s.PodCounterSettings;
import io.podtally.k8s.sim.RequestKind;
import io.podtally.k8s.sim.SimulatedCluster;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Fabric8PodCounter on a large cluster")
class PodCounterLargeIT {

    @Test
    @DisplayName("counts a 5,000-node, 150,000-pod cluster exactly, with the default settings")
    void countsLargeClusterExactly() {
        try (SimulatedCluster sim = SimulatedCluster.large().seed(42).start();
                KubernetesClient client = new KubernetesClientBuilder()
                        .withConfig(Config.fromKubeconfig(sim.kubeconfigYaml("large"))).build()) {
            PodCountResult result = new Fabric8PodCounter(client, PodCounterSettings.defaults()).count();

            assertThat(result.complete()).isTrue();
            assertThat(result.countsByNode()).isEqualTo(sim.activePodsByNode());
            assertThat(result.pods() - result.unscheduled()).isEqualTo(150_000);
            assertThat(result.unscheduled()).isEqualTo(sim.unscheduledActivePods());
            assertThat(result.pages()).isEqualTo(153);
            assertThat(sim.requestCounts().get(RequestKind.POD_LIST_SEQUENCES)).isEqualTo(1);
            assertThat(sim.requestCounts().get(RequestKind.POD_LIST_PAGES)).isEqualTo(153);
        }
    }
}
