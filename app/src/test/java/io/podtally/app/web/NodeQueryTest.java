package io.podtally.app.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podtally.cache.FreshnessState;
import io.podtally.cache.PodCountView;
import io.podtally.k8s.NodeView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeQueryTest {

    private static final Instant NOW = Instant.parse("2026-01-10T00:00:00Z");

    @Test
    @DisplayName("no parameters: every node, by name, not paged")
    void defaults() {
        NodeQuery query = NodeQuery.parse(Map.of(), 5000);

        assertThat(query.paged()).isFalse();
        assertThat(query.sortBy()).isEqualTo(NodeQuery.SortBy.NAME);
        assertThat(query.matches(node("a", true, Map.of(), List.of()))).isTrue();
        assertThat(query.matches(node("b", false, Map.of(), List.of()))).isTrue();
    }

    @Test
    @DisplayName("status, role, label and taint filters all have to match")
    void filters() {
        NodeView worker = node("w1", true, Map.of("node-role.kubernetes.io/worker", "", "zone", "a"),
                List.of(new NodeView.Taint("gpu", "true", "NoSchedule")));
        NodeView master = node("m1", false, Map.of("node-role.kubernetes.io/control-plane", ""), List.of());

        assertThat(parse("status", "ready").matches(worker)).isTrue();
        assertThat(parse("status", "NotReady").matches(worker)).isFalse();
        assertThat(parse("status", "notready").matches(master)).isTrue();
        assertThat(parse("role", "worker").matches(worker)).isTrue();
        assertThat(parse("role", "worker").matches(master)).isFalse();
        assertThat(parse("label_key", "zone").matches(worker)).isTrue();
        assertThat(parse("label_key", "zone", "label_value", "b").matches(worker)).isFalse();
        assertThat(parse("label_key", "zone", "label_value", "a").matches(worker)).isTrue();
        assertThat(parse("taint_key", "gpu").matches(worker)).isTrue();
        assertThat(parse("taint_key", "gpu", "taint_effect", "NoExecute").matches(worker)).isFalse();
        assertThat(parse("taint_key", "gpu", "taint_value", "true", "taint_effect", "NoSchedule").matches(worker))
                .isTrue();
        assertThat(parse("taint_key", "gpu").matches(master)).isFalse();
    }

    @DisplayName("bad filter and paging values are refused with a message")
    @ParameterizedTest(name = "{0}={1} is refused: {2}")
    @CsvSource(delimiter = ';', value = {
        "status;up;status must be ready or notready",
        "role;bad role;role must be",
        "label_key;a/b/c;label_key must be",
        "label_value;x;label_value needs label_key",
        "taint_effect;Sometimes;taint_effect must be one of",
        "taint_value;x;taint_value and taint_effect need taint_key",
        "sort_by;size;sort_by must be one of",
        "order;up;order must be asc or desc",
        "page;0;page must be an integer",
        "page;x;page must be an integer",
        "page;99999999999999999999;page must be an integer",
        "page_size;5001;page_size must be an integer"
    })
    void badValues(String name, String value, String message) {
        assertThatThrownBy(() -> parse(name, value))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining(message);
    }

    @Test
    @DisplayName("an oversized label key is refused")
    void oversized() {
        assertThatThrownBy(() -> parse("label_key", "k".repeat(64))).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> parse("label_key", "p".repeat(254) + "/k")).isInstanceOf(ApiException.class);
    }

    @Test
    @DisplayName("paging alone gives page 1 and the default page size")
    void pagingDefaults() {
        NodeQuery query = parse("page_size", "10");

        assertThat(query.paged()).isTrue();
        assertThat(query.page()).isEqualTo(1);
        assertThat(parse("page", "3").pageSize()).isEqualTo(NodeQuery.DEFAULT_PAGE_SIZE);
    }

    @Test
    @DisplayName("sorting by pod count puts unknown counts last in both directions, ties by name")
    void sortByPodCount() {
        List<NodeView> nodes = List.of(node("c", true, Map.of(), List.of()), node("a", true, Map.of(), List.of()),
                node("b", true, Map.of(), List.of()), node("d", true, Map.of(), List.of()));
        PodCountView counts = new PodCountView("c", FreshnessState.PARTIAL, Map.of("c", 5, "b", 5, "d", 1), NOW, 0L,
                false, "paginated", 1);

        assertThat(sorted(nodes, counts, "pod_count", "asc")).containsExactly("d", "b", "c", "a");
        assertThat(sorted(nodes, counts, "pod_count", "desc")).containsExactly("b", "c", "d", "a");
        assertThat(sorted(nodes, counts, "name", "desc")).containsExactly("d", "c", "b", "a");
    }

    private static List<String> sorted(List<NodeView> nodes, PodCountView counts, String sortBy, String order) {
        NodeQuery query = parse("sort_by", sortBy, "order", order);
        List<NodeView> copy = new ArrayList<>(nodes);
        copy.sort(query.viewComparator(counts));
        return copy.stream().map(NodeView::name).toList();
    }

    private static NodeQuery parse(String... keyValues) {
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            params.put(keyValues[i], keyValues[i + 1]);
        }
        return NodeQuery.parse(params, 5000);
    }

    static NodeView node(String name, boolean ready, Map<String, String> labels, List<NodeView.Taint> taints) {
        return new NodeView(name, labels, taints, false,
                List.of(new NodeView.Condition("Ready", ready ? "True" : "False", "KubeletReady", "", NOW)),
                "10.0.0.1", null, Map.of("cpu", "4", "memory", "16Gi", "pods", "110"),
                Map.of("cpu", "3900m", "memory", "15Gi", "pods", "110"), "v1.30.1", "Ubuntu", "6.1", "containerd://1.7",
                NOW.minusSeconds(3 * 86400), "uid-" + name);
    }
}
