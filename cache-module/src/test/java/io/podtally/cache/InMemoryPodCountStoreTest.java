package io.podtally.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("InMemoryPodCountStore")
class InMemoryPodCountStoreTest extends PodCountStoreContract {

    private MutableClock clock;
    private InMemoryPodCountStore store;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(T0);
        store = new InMemoryPodCountStore(SETTINGS, clock);
    }

    @Override
    protected PodCountStore store() {
        return store;
    }

    @Override
    protected String cluster() {
        return "c1";
    }

    @Test
    @DisplayName("forgets a cluster after the retention")
    void retention() {
        store.write("c1", complete(T0, Map.of("node-a", 1)));

        clock.advance(SETTINGS.retention().minus(Duration.ofMillis(1)));
        assertThat(store.read("c1")).isPresent();
        clock.advance(Duration.ofMillis(1));
        assertThat(store.read("c1")).isEmpty();
    }

    @Test
    @DisplayName("asked-for times: an older time never replaces a newer one")
    void askedGreaterWins() {
        store.recordAsked(Map.of("c1", T0.plusSeconds(10), "c2", T0));

        store.recordAsked(Map.of("c1", T0, "c2", T0.plusSeconds(5)));

        assertThat(store.lastAsked()).containsExactlyInAnyOrderEntriesOf(
                Map.of("c1", T0.plusSeconds(10), "c2", T0.plusSeconds(5)));
    }

    @Test
    @DisplayName("asked-for times older than the retention are forgotten")
    void askedRetention() {
        store.recordAsked(Map.of("c1", T0));
        clock.advance(Duration.ofHours(1));
        store.recordAsked(Map.of("c2", clock.instant()));

        clock.advance(SETTINGS.retention().minusHours(1));
        assertThat(store.lastAsked()).containsOnlyKeys("c1", "c2");
        clock.advance(Duration.ofMillis(1));
        assertThat(store.lastAsked()).containsOnlyKeys("c2");
    }
}
