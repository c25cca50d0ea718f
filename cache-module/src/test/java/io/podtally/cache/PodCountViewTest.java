package io.podtally.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A pod-count view and the nodes it counted")
class PodCountViewTest {

    private static final Instant T0 = Instant.ofEpochMilli(1_700_000_000_000L);

    private static PodCountView view(boolean complete, Set<String> nodeUids) {
        return new PodCountView("c", complete ? FreshnessState.FRESH : FreshnessState.PARTIAL, Map.of("node-a", 4),
                T0, 0L, complete, "paginated", 1, nodeUids);
    }

    @Test
    @DisplayName("a node whose uid the snapshot counted has its count, or 0 in a complete snapshot")
    void countedNode() {
        PodCountView view = view(true, Set.of("uid-a", "uid-b"));

        assertThat(view.countFor("node-a", "uid-a")).isEqualTo(4);
        assertThat(view.countFor("node-b", "uid-b")).isZero();
        assertThat(view.uncounted(List.of("uid-a", "uid-b"))).isZero();
    }

    @Test
    @DisplayName("a node that joined after the count began, or was re-created under its name, is null, never 0")
    void newOrRecreatedNodeIsNotCounted() {
        PodCountView view = view(true, Set.of("uid-a", "uid-b"));

        assertThat(view.countFor("node-c", "uid-c")).isNull();
        assertThat(view.countFor("node-a", "uid-a2")).as("re-created: its old count is not its own").isNull();
        assertThat(view.uncounted(List.of("uid-a2", "uid-b", "uid-c"))).isEqualTo(2);
    }

    @Test
    @DisplayName("a snapshot that does not say which nodes it counted behaves by name alone, uncounted unknown")
    void withoutUids() {
        PodCountView view = view(true, null);

        assertThat(view.countFor("node-a", "uid-a")).isEqualTo(4);
        assertThat(view.countFor("node-c", "uid-c")).isZero();
        assertThat(view.uncounted(List.of("uid-a", "uid-c"))).isNull();
    }

    @Test
    @DisplayName("a partial snapshot: unreached nodes stay null; with nothing known, uncounted is unknown")
    void partialAndLoading() {
        assertThat(view(false, Set.of("uid-a", "uid-b")).countFor("node-b", "uid-b")).isNull();
        PodCountView loading = new PodCountView("c", FreshnessState.LOADING, null, null, null, null, null, 0, null);
        assertThat(loading.countFor("node-a", "uid-a")).isNull();
        assertThat(loading.uncounted(List.of("uid-a"))).isNull();
    }
}
