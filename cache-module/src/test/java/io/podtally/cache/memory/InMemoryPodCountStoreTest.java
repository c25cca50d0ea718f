package io.podtally.cache.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.podtally.cache.MutableClock;
import io.podtally.cache.PodCountStore;
import io.podtally.cache.PodCountStoreContract;
import io.podtally.cache.RefreshLock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("InMemoryPodCountStore")
class InMemoryPodCountStoreTest extends PodCountStoreContract {

    private MutableClock clock;
    private LocalRefreshLock lock;
    private InMemoryPodCountStore store;

    @BeforeEach
    void setUp() {
        clock = new MutableClock(T0);
        lock = new LocalRefreshLock();
        store = new InMemoryPodCountStore(SETTINGS, clock, lock);
    }

    @Override
    protected RefreshLock lock() {
        return lock;
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
}
