package io.podtally.app.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.podtally.cache.FreshnessState;
import io.podtally.cache.PodCountView;
import io.podtally.k8s.NodeView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("NodeQuery order on nodes before they are built")
class NodeViewOrderTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @ParameterizedTest(name = "sort_by={0} order={1} complete={2}")
    @CsvSource({
        "name, asc, true", "name, desc, true",
        "status, asc, true", "status, desc, false",
        "pod_count, asc, true", "pod_count, desc, true", "pod_count, asc, false", "pod_count, desc, false",
        "created_at, asc, true", "created_at, desc, true",
    })
    @DisplayName("sorting the nodes gives the order of sorting the built NodeInfos")
    void sameOrderAsBuilt(String sortBy, String order, boolean complete) {
        Random random = new Random(42);
        List<NodeView> nodes = new ArrayList<>();
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            String name = "node-" + random.nextInt(1_000_000);
            Instant created = random.nextInt(10) == 0 ? null : NOW.minusMillis(random.nextInt(5) * 400L);
            nodes.add(node(name, random.nextBoolean(), created));
            if (random.nextInt(3) > 0) {
                counts.put(name, random.nextInt(4));
            }
        }
        PodCountView view = new PodCountView("c", complete ? FreshnessState.FRESH : FreshnessState.PARTIAL, counts,
                NOW, 0L, complete, "paginated", 1);
        NodeQuery query = NodeQuery.parse(Map.of("sort_by", sortBy, "order", order), 5000);

        List<String> built = nodes.stream()
                .map(node -> NodeInfo.of(node, view.countFor(node.name()), null, NOW))
                .sorted(builtOrder(sortBy, "desc".equals(order)))
                .map(NodeInfo::name)
                .toList();
        List<String> viewsFirst = nodes.stream()
                .sorted(query.viewComparator(view))
                .map(NodeView::name)
                .toList();

        assertThat(viewsFirst).isEqualTo(built);
    }

    /** The order a reader of the answer expects: by the fields as {@link NodeInfo} shows them, then by name. */
    private static Comparator<NodeInfo> builtOrder(String sortBy, boolean descending) {
        Comparator<NodeInfo> byName = Comparator.comparing(NodeInfo::name);
        return switch (sortBy) {
            case "status" -> Comparator.comparing(NodeInfo::status, direction(Comparator.<String>naturalOrder(), descending))
                    .thenComparing(byName);
            case "pod_count" -> Comparator.comparing(NodeInfo::podCount,
                    Comparator.nullsLast(direction(Comparator.<Integer>naturalOrder(), descending))).thenComparing(byName);
            case "created_at" -> Comparator.comparing(NodeInfo::createdAt,
                    Comparator.nullsLast(direction(Comparator.<String>naturalOrder(), descending))).thenComparing(byName);
            default -> descending ? byName.reversed() : byName;
        };
    }

    private static <T> Comparator<T> direction(Comparator<T> ascending, boolean descending) {
        return descending ? ascending.reversed() : ascending;
    }

    private static NodeView node(String name, boolean ready, Instant created) {
        return new NodeView(name, Map.of(), List.of(), false,
                List.of(new NodeView.Condition("Ready", ready ? "True" : "False", "KubeletReady", "", NOW)),
                "10.0.0.1", null, Map.of("cpu", "4"), Map.of("cpu", "4"), "v1.30.1", "Ubuntu", "6.1",
                "containerd://1.7", created, "uid-" + name);
    }
}
