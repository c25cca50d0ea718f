package io.podtally.k8s.fabric8;

import static io.podtally.k8s.fabric8.TestNodes.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerImageBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.podtally.k8s.Fingerprints;
import io.podtally.k8s.NodeCache;
import io.podtally.k8s.NodeView;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("Slim node store fingerprint")
class SlimNodeStoreTest {

    private static SlimNodeStore storeOf(Node... nodes) {
        SlimNodeStore store = new SlimNodeStore();
        for (Node node : nodes) {
            store.put(node.getMetadata().getName(), node);
        }
        return store;
    }

    private static Node edited(Node node, UnaryOperator<NodeBuilder> edit) {
        return edit.apply(new NodeBuilder(node)).build();
    }

    @Test
    @DisplayName("the same nodes put in different orders give the same fingerprint and the same snapshot")
    void insertionOrderDoesNotMatter() {
        SlimNodeStore forward = storeOf(node("node-a", true), node("node-b", false), node("node-c", true));
        SlimNodeStore backward = storeOf(node("node-c", true), node("node-b", false), node("node-a", true));

        assertThat(forward.fingerprint()).isEqualTo(backward.fingerprint()).isNotZero();
        assertThat(forward.snapshot()).isEqualTo(backward.snapshot());
    }

    @Test
    @DisplayName("the store's fingerprint is the sum of its nodes' hashes, read together with the nodes")
    void snapshotCarriesItsFingerprint() {
        SlimNodeStore store = storeOf(node("node-b", true), node("node-a", true));

        NodeCache.Snapshot snapshot = store.snapshot();

        assertThat(snapshot.nodes()).extracting(NodeView::name).containsExactly("node-a", "node-b");
        assertThat(snapshot.fingerprint()).isEqualTo(store.fingerprint())
                .isEqualTo(snapshot.nodes().stream().mapToLong(Fingerprints::node).sum());
        assertThat(store.snapshot()).isSameAs(snapshot);
    }

    static Stream<Arguments> servedChanges() {
        return Stream.of(
                Arguments.of("readiness", node("node-a", false)),
                Arguments.of("cordoned", edited(node("node-a", true), b -> b.editSpec().withUnschedulable(true).endSpec())),
                Arguments.of("a label", edited(node("node-a", true),
                        b -> b.editMetadata().addToLabels("team", "payments").endMetadata())),
                Arguments.of("a taint", edited(node("node-a", true), b -> b.editSpec().withTaints(List.of()).endSpec())),
                Arguments.of("allocatable", edited(node("node-a", true),
                        b -> b.editStatus().addToAllocatable("cpu", new Quantity("7700m")).endStatus())),
                Arguments.of("kubelet version", edited(node("node-a", true),
                        b -> b.editStatus().editNodeInfo().withKubeletVersion("v1.31.3").endNodeInfo().endStatus())),
                Arguments.of("creation time", edited(node("node-a", true),
                        b -> b.editMetadata().withCreationTimestamp("2024-05-02T10:00:00Z").endMetadata())),
                Arguments.of("re-created under the same name (a new uid)", edited(node("node-a", true),
                        b -> b.editMetadata().withUid("0b8e6a52-9b1e-4c3a-8f0e-2f6d1c9a7e41").endMetadata())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servedChanges")
    @DisplayName("a change to a served field changes the fingerprint; changing it back restores it")
    void servedChangeChangesFingerprint(String field, Node changed) {
        SlimNodeStore store = storeOf(node("node-a", true), node("node-b", true));
        long before = store.fingerprint();

        store.put("node-a", changed);
        assertThat(store.fingerprint()).isNotEqualTo(before);
        assertThat(store.snapshot().fingerprint()).isEqualTo(store.fingerprint());

        store.put("node-a", node("node-a", true));
        assertThat(store.fingerprint()).isEqualTo(before);
    }

    @Test
    @DisplayName("fields the node list does not serve (images, managed fields, resource version) leave it unchanged")
    void unservedChangeKeepsFingerprint() {
        SlimNodeStore store = storeOf(node("node-a", true));
        long before = store.fingerprint();
        NodeCache.Snapshot snapshot = store.snapshot();

        store.put("node-a", edited(node("node-a", true), b -> b
                .editMetadata().withResourceVersion("42").withManagedFields(List.of()).endMetadata()
                .editStatus().withImages(new ContainerImageBuilder().withNames("registry.example/other:2.0").build())
                .endStatus()));

        assertThat(store.fingerprint()).isEqualTo(before);
        assertThat(store.snapshot()).isSameAs(snapshot);
    }

    @Test
    @DisplayName("adding a node changes the fingerprint, deleting it restores the previous value; no nodes is 0")
    void deleteRestoresFingerprint() {
        SlimNodeStore store = storeOf(node("node-a", true), node("node-b", true));
        long two = store.fingerprint();

        store.put("node-c", node("node-c", true));
        assertThat(store.fingerprint()).isNotEqualTo(two);

        store.remove("node-c");
        assertThat(store.fingerprint()).isEqualTo(two);
        assertThat(store.snapshot().nodes()).extracting(NodeView::name).containsExactly("node-a", "node-b");

        store.remove("node-a");
        store.remove("node-b");
        assertThat(store.fingerprint()).isZero();
        assertThat(store.snapshot()).isEqualTo(NodeCache.Snapshot.EMPTY);
    }
}
