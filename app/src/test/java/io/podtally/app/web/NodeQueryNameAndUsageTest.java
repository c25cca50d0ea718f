package io.podtally.app.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podtally.cache.FreshnessState;
import io.podtally.cache.PodCountView;
import io.podtally.k8s.NodeMetricsCache;
import io.podtally.k8s.NodeMetricsCache.NodeUsage;
import io.podtally.k8s.NodeView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("NodeQuery: the name filter and sorting by roles, CPU and memory used")
class NodeQueryNameAndUsageTest {

    private static final Instant NOW = Instant.parse("2026-01-10T00:00:00Z");
    private static final PodCountView NO_COUNTS = new PodCountView("c", FreshnessState.LOADING, null, null, null,
            null, null, 0);

    @Test
    @DisplayName("name matches a part of the node name, whatever its case")
    void nameFilter() {
        NodeQuery query = NodeQuery.parse(Map.of("name", "Pool-B"), 5000);

        assertThat(query.matches(node("gpu-pool-b-1", List.of()))).isTrue();
        assertThat(query.matches(node("gpu-pool-a-1", List.of()))).isFalse();
        assertThat(NodeQuery.parse(Map.of("name", ""), 5000).matches(node("any", List.of()))).isTrue();
    }

    @Test
    @DisplayName("a name with other characters than a node name's is refused")
    void badName() {
        assertThatThrownBy(() -> NodeQuery.parse(Map.of("name", "a b"), 5000))
                .isInstanceOf(ApiException.class).hasMessageContaining("name must be");
        assertThatThrownBy(() -> NodeQuery.parse(Map.of("name", "a".repeat(254)), 5000))
                .isInstanceOf(ApiException.class);
    }

    @Test
    @DisplayName("without a name the canonical query, and so the ETag, is the one of a query without that filter")
    void canonicalWithoutName() {
        assertThat(NodeQuery.parse(Map.of(), 5000).canonical())
                .isEqualTo("null|null|null|null|null|null|null|NAME|false|null|null");
        assertThat(NodeQuery.parse(Map.of("name", "x"), 5000).canonical()).endsWith("|name=x");
    }

    @Test
    @DisplayName("CPU and memory sort by the quantity used, unknown usage last in both directions")
    void byUsage() {
        List<NodeView> nodes = List.of(node("a", List.of()), node("b", List.of()), node("c", List.of()),
                node("d", List.of()));
        NodeMetricsCache.Snapshot metrics = new NodeMetricsCache.Snapshot(NodeMetricsCache.MetricsState.AVAILABLE,
                Map.of("a", new NodeUsage("1500m", "2Gi", NOW), "b", new NodeUsage("2", "512Mi", NOW),
                        "c", new NodeUsage("250m", "3000000000", NOW)), 1, NOW);

        assertThat(sorted(nodes, metrics, "cpu", "desc")).containsExactly("b", "a", "c", "d");
        assertThat(sorted(nodes, metrics, "cpu", "asc")).containsExactly("c", "a", "b", "d");
        assertThat(sorted(nodes, metrics, "memory", "desc")).containsExactly("c", "a", "b", "d");
        assertThat(sorted(nodes, null, "memory", "desc")).containsExactly("a", "b", "c", "d");
    }

    @Test
    @DisplayName("roles sort by the roles as the page shows them, then by name")
    void byRoles() {
        List<NodeView> nodes = List.of(node("w2", List.of("worker")), node("cp", List.of("control-plane")),
                node("w1", List.of("worker")), node("none", List.of()));

        assertThat(sorted(nodes, null, "roles", "asc")).containsExactly("none", "cp", "w1", "w2");
        assertThat(sorted(nodes, null, "roles", "desc")).containsExactly("w1", "w2", "cp", "none");
    }

    private static List<String> sorted(List<NodeView> nodes, NodeMetricsCache.Snapshot metrics, String sortBy,
            String order) {
        NodeQuery query = NodeQuery.parse(Map.of("sort_by", sortBy, "order", order), 5000);
        List<NodeView> copy = new ArrayList<>(nodes);
        copy.sort(query.viewComparator(NO_COUNTS, metrics));
        return copy.stream().map(NodeView::name).toList();
    }

    private static NodeView node(String name, List<String> roles) {
        Map<String, String> labels = new HashMap<>();
        roles.forEach(role -> labels.put("node-role.kubernetes.io/" + role, ""));
        return new NodeView(name, labels, List.of(), false,
                List.of(new NodeView.Condition("Ready", "True", "KubeletReady", "", NOW)),
                "10.0.0.1", null, Map.of("cpu", "4", "memory", "16Gi", "pods", "110"),
                Map.of("cpu", "3900m", "memory", "15Gi", "pods", "110"), "v1.30.1", "Ubuntu", "6.1", "containerd://1.7",
                NOW.minusSeconds(3 * 86400), "uid-" + name);
    }
}
