package io.podtally.app.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.podtally.cache.FreshnessState;
import io.podtally.cache.LastFailure;
import io.podtally.k8s.NodeMetricsCache.MetricsState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("NodeListChangeDetector")
class NodeListChangeDetectorTest {

    private static final Instant FETCHED = Instant.parse("2026-01-01T00:00:00Z");

    private final Map<String, NodeListVersion> current = new HashMap<>();
    private final List<NodeListChange> changes = new ArrayList<>();
    private final AtomicLong nanos = new AtomicLong();
    private final NodeListChangeDetector detector = new NodeListChangeDetector(current::get, changes::add,
            Duration.ofSeconds(30), nanos::get);

    private static NodeListVersion version(FreshnessState state, long generation, long nodes, long metrics) {
        return new NodeListVersion("c", 3, nodes, "synced", null, state, generation,
                generation == 0 ? null : FETCHED, MetricsState.AVAILABLE, metrics, null);
    }

    @Nested
    @DisplayName("a watched cluster")
    class Watched {

        @Test
        @DisplayName("reports nothing while the version stays the same, however often it is checked")
        void sameVersion() {
            current.put("c", version(FreshnessState.FRESH, 4, 10, 20));
            assertThat(detector.watch("c")).isTrue();

            detector.check("c");
            detector.checkAll();

            assertThat(changes).isEmpty();
        }

        @Test
        @DisplayName("reports fresh → stale, a new generation and a deleted snapshot each once, naming pod_counts")
        void podCountChanges() {
            current.put("c", version(FreshnessState.FRESH, 4, 10, 20));
            detector.watch("c");

            current.put("c", version(FreshnessState.STALE, 4, 10, 20));
            detector.check("c");
            current.put("c", version(FreshnessState.FRESH, 5, 10, 20));
            detector.check("c");
            detector.check("c");
            current.put("c", version(FreshnessState.LOADING, 0, 10, 20));
            detector.checkAll();

            assertThat(changes).extracting(NodeListChange::changed)
                    .containsExactly(List.of("pod_counts"), List.of("pod_counts"), List.of("pod_counts"));
            assertThat(changes).extracting(c -> c.version().podCountState())
                    .containsExactly(FreshnessState.STALE, FreshnessState.FRESH, FreshnessState.LOADING);
        }

        @Test
        @DisplayName("reports a new last failure of the same snapshot (a backoff without a new generation) as pod_counts")
        void lastFailureChange() {
            current.put("c", version(FreshnessState.STALE, 4, 10, 20));
            detector.watch("c");

            NodeListVersion stale = version(FreshnessState.STALE, 4, 10, 20);
            current.put("c", new NodeListVersion("c", 3, 10, "synced", null, FreshnessState.STALE, 4, FETCHED,
                    MetricsState.AVAILABLE, 20, new LastFailure("timeout", FETCHED.plusSeconds(400))));
            detector.check("c");

            assertThat(changes).extracting(NodeListChange::changed).containsExactly(List.of("pod_counts"));
            NodeQuery all = NodeQuery.parse(Map.of(), 5000);
            assertThat(current.get("c").etag(all)).isNotEqualTo(stale.etag(all));
        }

        @Test
        @DisplayName("names nodes and metrics when their fingerprints change")
        void nodesAndMetrics() {
            current.put("c", version(FreshnessState.FRESH, 4, 10, 20));
            detector.watch("c");

            current.put("c", version(FreshnessState.FRESH, 4, 11, 21));
            detector.check("c");

            assertThat(changes).singleElement().extracting(NodeListChange::changed)
                    .isEqualTo(List.of("nodes", "metrics"));
        }
    }

    @Nested
    @DisplayName("a cluster nobody watches")
    class Unwatched {

        @Test
        @DisplayName("is not read when checked")
        void notRead() {
            detector.check("c");
            detector.checkAll();

            assertThat(changes).isEmpty();
            assertThat(detector.watched()).isEmpty();
        }

        @Test
        @DisplayName("is followed for the linger after its last client, then forgotten")
        void linger() {
            current.put("c", version(FreshnessState.FRESH, 4, 10, 20));
            detector.watch("c");
            assertThat(detector.watch("c")).isFalse();
            detector.release("c");
            detector.release("c");

            nanos.addAndGet(Duration.ofSeconds(29).toNanos());
            detector.checkAll();
            assertThat(detector.watched()).containsExactly("c");

            nanos.addAndGet(Duration.ofSeconds(2).toNanos());
            detector.checkAll();
            assertThat(detector.watched()).isEmpty();
            assertThat(detector.watch("c")).isTrue();
        }
    }
}
