package io.podtally.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.podtally.k8s.NodeMetricsCache.NodeUsage;
import io.podtally.k8s.NodeView.Condition;
import io.podtally.k8s.NodeView.Taint;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("Content fingerprints")
class FingerprintsTest {

    private static final Instant CREATED = Instant.parse("2024-05-01T10:00:00Z");
    private static final Instant TRANSITION = Instant.parse("2024-05-01T10:01:00Z");
    private static final Instant SAMPLED = Instant.parse("2026-01-01T00:00:00Z");
    /** {@link #node()} encoded as {@link Fingerprints} documents it, hashed by a separate SHA-256 implementation. */
    private static final long NODE_HASH = -8125474069321088421L;
    private static final long USAGE_HASH = 3521106590319487314L;

    static NodeView node() {
        return new NodeView("node-a",
                Map.of("kubernetes.io/hostname", "node-a", "node-role.kubernetes.io/worker", ""),
                List.of(new Taint("dedicated", "batch", "NoSchedule")),
                false,
                List.of(new Condition("MemoryPressure", "False", "KubeletHasSufficientMemory", null, TRANSITION),
                        new Condition("Ready", "True", "KubeletReady", "kubelet is posting ready status", TRANSITION)),
                "10.0.0.7", "203.0.113.7",
                Map.of("cpu", "8", "memory", "32Gi", "pods", "110"),
                Map.of("cpu", "7800m", "memory", "30Gi", "pods", "110"),
                "v1.31.2", "Ubuntu 22.04.4 LTS", "6.5.0-1022-aws", "containerd://1.7.22", CREATED,
                "5f2c1e0a-7d43-4b8e-9a61-3c0f4e2d8b17");
    }

    private static NodeView with(UnaryOperator<Object[]> change) {
        NodeView n = node();
        Object[] f = {n.name(), n.labels(), n.taints(), n.unschedulable(), n.conditions(), n.internalIp(),
            n.externalIp(), n.capacity(), n.allocatable(), n.kubeletVersion(), n.osImage(), n.kernelVersion(),
            n.containerRuntimeVersion(), n.createdAt(), n.uid()};
        change.apply(f);
        @SuppressWarnings("unchecked")
        NodeView changed = new NodeView((String) f[0], (Map<String, String>) f[1], (List<Taint>) f[2], (boolean) f[3],
                (List<Condition>) f[4], (String) f[5], (String) f[6], (Map<String, String>) f[7],
                (Map<String, String>) f[8], (String) f[9], (String) f[10], (String) f[11], (String) f[12],
                (Instant) f[13], (String) f[14]);
        return changed;
    }

    private static Arguments change(String field, UnaryOperator<Object[]> change) {
        return Arguments.of(field, with(change));
    }

    private static Map<String, String> plus(Object map, String key, String value) {
        @SuppressWarnings("unchecked")
        Map<String, String> copy = new HashMap<>((Map<String, String>) map);
        copy.put(key, value);
        return copy;
    }

    private static Condition ready(String status, String reason, String message, Instant at) {
        return new Condition("Ready", status, reason, message, at);
    }

    static Stream<Arguments> servedFieldChanges() {
        Condition pressure = node().conditions().get(0);
        return Stream.of(
                change("name", f -> set(f, 0, "node-b")),
                change("a label value", f -> set(f, 1, plus(f[1], "node-role.kubernetes.io/worker", "x"))),
                change("a label added", f -> set(f, 1, plus(f[1], "topology.kubernetes.io/zone", "eu-west-1a"))),
                change("a taint's value", f -> set(f, 2, List.of(new Taint("dedicated", "web", "NoSchedule")))),
                change("a taint's effect", f -> set(f, 2, List.of(new Taint("dedicated", "batch", "NoExecute")))),
                change("taints removed", f -> set(f, 2, List.of())),
                change("unschedulable", f -> set(f, 3, true)),
                change("a condition's status", f -> set(f, 4, List.of(pressure,
                        ready("False", "KubeletReady", "kubelet is posting ready status", TRANSITION)))),
                change("a condition's reason", f -> set(f, 4, List.of(pressure,
                        ready("True", "Other", "kubelet is posting ready status", TRANSITION)))),
                change("a condition's message", f -> set(f, 4, List.of(pressure,
                        ready("True", "KubeletReady", "other", TRANSITION)))),
                change("a condition's transition time", f -> set(f, 4, List.of(pressure,
                        ready("True", "KubeletReady", "kubelet is posting ready status", TRANSITION.plusSeconds(1))))),
                change("a condition's type", f -> set(f, 4, List.of(pressure, new Condition("NotReady", "True",
                        "KubeletReady", "kubelet is posting ready status", TRANSITION)))),
                change("the conditions' order", f -> set(f, 4, List.of(node().conditions().get(1), pressure))),
                change("internal IP", f -> set(f, 5, "10.0.0.8")),
                change("external IP gone", f -> set(f, 6, null)),
                change("capacity", f -> set(f, 7, plus(f[7], "pods", "250"))),
                change("allocatable", f -> set(f, 8, plus(f[8], "cpu", "7900m"))),
                change("kubelet version", f -> set(f, 9, "v1.31.3")),
                change("OS image", f -> set(f, 10, "Ubuntu 24.04 LTS")),
                change("kernel version", f -> set(f, 11, "6.5.0-1023-aws")),
                change("container runtime", f -> set(f, 12, "containerd://1.7.23")),
                change("creation time", f -> set(f, 13, CREATED.plusNanos(1))),
                change("uid (re-created under the same name)", f -> set(f, 14, "9a0d7c2b-1e5f-4a36-b8c4-6d2e0f1a3b59")));
    }

    private static Object[] set(Object[] fields, int index, Object value) {
        fields[index] = value;
        return fields;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servedFieldChanges")
    @DisplayName("a change to any served field of a node, or to its uid, changes its hash")
    void anyServedFieldChangesNodeHash(String field, NodeView changed) {
        assertThat(changed).isNotEqualTo(node());
        assertThat(Fingerprints.node(changed)).isNotEqualTo(Fingerprints.node(node()));
    }

    @Test
    @DisplayName("a node's hash depends on its content only: equal nodes, maps in any order, give one value")
    void nodeHashIsContentOnly() {
        Map<String, String> reversed = new LinkedHashMap<>();
        new TreeMap<>(node().labels()).descendingMap().forEach(reversed::put);
        NodeView sameContent = with(f -> set(f, 1, reversed));

        assertThat(Fingerprints.node(sameContent)).isEqualTo(Fingerprints.node(node()));
        assertThat(Fingerprints.node(node())).isEqualTo(Fingerprints.node(node()));
    }

    @Test
    @DisplayName("the encoding tells null from empty and keeps field boundaries")
    void encodingIsUnambiguous() {
        assertThat(Fingerprints.node(with(f -> set(f, 6, ""))))
                .isNotEqualTo(Fingerprints.node(with(f -> set(f, 6, null))));
        assertThat(Fingerprints.node(with(f -> set(set(f, 10, "Ubuntu"), 11, "22.04"))))
                .isNotEqualTo(Fingerprints.node(with(f -> set(set(f, 10, "Ubuntu2"), 11, "2.04"))));
        assertThat(Fingerprints.usage("a", new NodeUsage("1", "2", null)))
                .isNotEqualTo(Fingerprints.usage("a", new NodeUsage("12", "", null)));
    }

    @Test
    @DisplayName("the hash is defined by its encoding, not by the runtime: a known node has a known value")
    void hashIsPinned() {
        assertThat(Fingerprints.node(node())).isEqualTo(NODE_HASH);
        assertThat(Fingerprints.usage("node-a", new NodeUsage("250m", "1024Ki", SAMPLED))).isEqualTo(USAGE_HASH);
    }

    @Test
    @DisplayName("usage samples: the same samples in any order give one value; no samples give 0")
    void usagesAreOrderFree() {
        Map<String, NodeUsage> forward = new LinkedHashMap<>();
        forward.put("node-a", new NodeUsage("250m", "1024Ki", SAMPLED));
        forward.put("node-b", new NodeUsage("1500m", "8Gi", SAMPLED));
        Map<String, NodeUsage> backward = new LinkedHashMap<>();
        backward.put("node-b", new NodeUsage("1500m", "8Gi", SAMPLED));
        backward.put("node-a", new NodeUsage("250m", "1024Ki", SAMPLED));

        assertThat(Fingerprints.usages(forward)).isEqualTo(Fingerprints.usages(backward))
                .isEqualTo(Fingerprints.usage("node-a", forward.get("node-a"))
                        + Fingerprints.usage("node-b", forward.get("node-b")));
        assertThat(Fingerprints.usages(Map.of())).isZero();
    }

    @Test
    @DisplayName("usage samples: a change to the node, cpu, memory or sample time changes the value")
    void usageChanges() {
        NodeUsage usage = new NodeUsage("250m", "1024Ki", SAMPLED);
        long base = Fingerprints.usages(Map.of("node-a", usage));

        assertThat(List.of(
                Fingerprints.usages(Map.of("node-b", usage)),
                Fingerprints.usages(Map.of("node-a", new NodeUsage("251m", "1024Ki", SAMPLED))),
                Fingerprints.usages(Map.of("node-a", new NodeUsage("250m", "1025Ki", SAMPLED))),
                Fingerprints.usages(Map.of("node-a", new NodeUsage("250m", "1024Ki", SAMPLED.plusSeconds(15)))),
                Fingerprints.usages(Map.of("node-a", new NodeUsage("250m", "1024Ki", null))),
                Fingerprints.usages(Map.of("node-a", usage, "node-b", usage))))
                .doesNotContain(base);
    }
}
