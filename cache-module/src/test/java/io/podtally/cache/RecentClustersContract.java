package io.podtally.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The rules every {@link RecentClusters} follows; run against each adapter. */
@Timeout(30)
public abstract class RecentClustersContract {

    protected static final Duration RETENTION = Duration.ofHours(24);

    /** Adapters without recorded times, with {@link #RETENTION}, measuring it on {@link #clock()}. */
    protected abstract RecentClusters recentClusters();

    protected abstract MutableClock clock();

    /** A cluster name of {@code name} not used by any other test of the class. */
    protected abstract String cluster(String name);

    @Test
    @DisplayName("an older time never replaces a newer one")
    void greaterWins() {
        Instant now = clock().instant();
        recentClusters().recordAsked(Map.of(cluster("a"), now.plusSeconds(10), cluster("b"), now));

        recentClusters().recordAsked(Map.of(cluster("a"), now, cluster("b"), now.plusSeconds(5)));

        assertThat(recentClusters().lastAsked())
                .containsEntry(cluster("a"), now.plusSeconds(10))
                .containsEntry(cluster("b"), now.plusSeconds(5));
    }

    @Test
    @DisplayName("times older than the retention are forgotten")
    void retention() {
        Instant start = clock().instant();
        recentClusters().recordAsked(Map.of(cluster("a"), start));
        clock().advance(Duration.ofHours(1));
        recentClusters().recordAsked(Map.of(cluster("b"), clock().instant()));

        clock().advance(RETENTION.minusHours(1));
        assertThat(recentClusters().lastAsked()).containsKeys(cluster("a"), cluster("b"));
        clock().advance(Duration.ofMillis(1));
        assertThat(recentClusters().lastAsked()).containsKey(cluster("b")).doesNotContainKey(cluster("a"));
    }

    @Test
    @DisplayName("recording nothing changes nothing")
    void recordNothing() {
        recentClusters().recordAsked(Map.of(cluster("a"), clock().instant()));

        recentClusters().recordAsked(Map.of());

        assertThat(recentClusters().lastAsked()).containsKey(cluster("a"));
    }
}
