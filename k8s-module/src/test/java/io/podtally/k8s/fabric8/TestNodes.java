package io.podtally.k8s.fabric8;

import io.fabric8.kubernetes.api.model.ContainerImageBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.podtally.k8s.ClusterSettings;
import io.podtally.k8s.PodCounterSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Realistic nodes and settings for the tests. */
final class TestNodes {

    private TestNodes() {
    }

    static Node node(String name, boolean ready) {
        return new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .withCreationTimestamp("2024-05-01T10:00:00Z")
                .withLabels(Map.of("kubernetes.io/hostname", name, "node-role.kubernetes.io/worker", "",
                        "topology.kubernetes.io/zone", "eu-west-1a"))
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubelet").withOperation("Update")
                        .withApiVersion("v1").build())
                .endMetadata()
                .withNewSpec()
                .addNewTaint().withKey("dedicated").withValue("batch").withEffect("NoSchedule").endTaint()
                .endSpec()
                .withNewStatus()
                .addNewCondition().withType("MemoryPressure").withStatus("False").withReason("KubeletHasSufficientMemory")
                .withLastTransitionTime("2024-05-01T10:01:00Z").endCondition()
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False")
                .withReason(ready ? "KubeletReady" : "KubeletNotReady").withMessage("kubelet is posting ready status")
                .withLastTransitionTime("2024-05-01T10:01:00Z").endCondition()
                .addNewAddress().withType("Hostname").withAddress(name).endAddress()
                .addNewAddress().withType("InternalIP").withAddress("10.0.0.7").endAddress()
                .addNewAddress().withType("ExternalIP").withAddress("203.0.113.7").endAddress()
                .withCapacity(Map.of("cpu", new Quantity("8"), "memory", new Quantity("32Gi"), "pods", new Quantity("110")))
                .withAllocatable(Map.of("cpu", new Quantity("7800m"), "memory", new Quantity("30Gi"), "pods",
                        new Quantity("110")))
                .withNewNodeInfo().withKubeletVersion("v1.31.2").withOsImage("Ubuntu 22.04.4 LTS")
                .withKernelVersion("6.5.0-1022-aws").withContainerRuntimeVersion("containerd://1.7.22")
                .withArchitecture("amd64").withOperatingSystem("linux").withMachineID("m").withSystemUUID("u")
                .withBootID("b").withKubeProxyVersion("v1.31.2").endNodeInfo()
                .withImages(List.of(new ContainerImageBuilder().withNames("registry.example/app:1.0")
                        .withSizeBytes(123_456_789L).build()))
                .endStatus()
                .build();
    }

    static ClusterSettings settings(Duration syncTimeout) {
        return new ClusterSettings(List.of(), false, Duration.ofSeconds(2), Duration.ofSeconds(5), syncTimeout,
                Duration.ofMillis(200), PodCounterSettings.defaults());
    }
}
