package io.podtally.cache.redis;

import static io.podtally.cache.Futures.done;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.podtally.cache.CountingSource;
import io.podtally.cache.FreshnessState;
import io.podtally.cache.PodCountSettings;
import io.podtally.cache.PodCountView;
import io.podtally.cache.RefreshOutcome;
import io.podtally.cache.RefreshingPodCountCache;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("Two replicas on one Redis, one with a clock 60 s ahead")
@Timeout(60)
class ClockSkewIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final Duration AHEAD = Duration.ofSeconds(60);
    private static final Duration MARGIN = Duration.ofSeconds(1);
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Map<String, Integer> COUNTS = Map.of("node-a", 3, "node-b", 7);
    private static final String CLUSTER = "skewed";

    private final PodCountSettings settings = PodCountSettings.defaults();
    private final CountingSource aheadSource = new CountingSource(COUNTS);
    private final CountingSource onTimeSource = new CountingSource(COUNTS);
    private Replica ahead;
    private Replica onTime;

    /** The system clock off by an offset that the test moves. */
    private static final class OffsetClock extends Clock {

        private final AtomicReference<Duration> offset;

        OffsetClock(Duration offset) {
            this.offset = new AtomicReference<>(offset);
        }

        void advance(Duration duration) {
            offset.updateAndGet(current -> current.plus(duration));
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset.get());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    /** A replica wired as the application wires it, on a clock of its own that the test moves. */
    private record Replica(OffsetClock clock, RedisBackend backend, RefreshingPodCountCache cache) {

        static Replica start(Duration offset, CountingSource source, PodCountSettings settings) {
            OffsetClock clock = new OffsetClock(offset);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            RedisBackend backend = RedisBackend.start(RedisTestSupport.settings(REDIS.port()), settings, clock,
                    registry);
            RefreshingPodCountCache cache = new RefreshingPodCountCache(source, backend.store(),
                    backend.recentClusters(), backend.lock(), backend.events(), settings, registry, backend.clock());
            return new Replica(clock, backend, cache);
        }

        void close() {
            cache.close();
            backend.close();
        }
    }

    @BeforeEach
    void setUp() {
        ahead = Replica.start(AHEAD, aheadSource, settings);
        onTime = Replica.start(Duration.ZERO, onTimeSource, settings);
        await().atMost(WAIT).until(() -> ahead.backend().clockSkew() != null && onTime.backend().clockSkew() != null);
    }

    @AfterEach
    void tearDown() {
        ahead.close();
        onTime.close();
    }

    private void advance(Duration duration) {
        ahead.clock().advance(duration);
        onTime.clock().advance(duration);
    }

    @Test
    @DisplayName("clock skew: the other replica sees the counts fresh exactly as long as fresh-for, its writes are not "
            + "refused, and a failing cluster is not parked in backoff longer than the configured backoff")
    void oneClockForAll() {
        assertThat(ahead.backend().clockSkew().toMillis()).as("the skew gauge stays a diagnostic")
                .isCloseTo(AHEAD.toMillis(), within(MARGIN.toMillis()));
        assertThat(ahead.backend().clockSkewed()).isTrue();

        assertThat(done(ahead.cache().refresh(CLUSTER))).isEqualTo(RefreshOutcome.COMPLETE);
        advance(settings.freshFor().minus(MARGIN));
        assertThat(onTime.cache().read(CLUSTER).state()).isEqualTo(FreshnessState.FRESH);
        onTimeSource.hold();
        advance(MARGIN.multipliedBy(2));
        assertThat(onTime.cache().read(CLUSTER).state()).isEqualTo(FreshnessState.STALE);
        await().atMost(WAIT).until(() -> onTimeSource.entered() == 1);
        onTimeSource.open();
        await().atMost(WAIT).until(() -> onTime.cache().refreshesInFlight() == 0);
        PodCountView written = onTime.cache().read(CLUSTER);
        assertThat(written.generation()).as("the on-time replica's write is not refused").isEqualTo(2);
        assertThat(written.state()).isEqualTo(FreshnessState.FRESH);

        advance(settings.freshFor().plus(MARGIN));
        aheadSource.failing("API server down");
        assertThat(done(ahead.cache().refresh(CLUSTER))).isEqualTo(RefreshOutcome.FAILED);
        assertThat(onTime.cache().read(CLUSTER).state()).isEqualTo(FreshnessState.STALE);
        assertThat(onTime.cache().refreshesInFlight()).as("in backoff").isZero();
        onTimeSource.hold();
        advance(settings.backoffInitial().plus(MARGIN));
        onTime.cache().read(CLUSTER);
        await("the backoff ends after backoff-initial, not 60 s later").atMost(WAIT)
                .until(() -> onTimeSource.entered() == 2);
        onTimeSource.open();
        await().atMost(WAIT).until(() -> onTime.cache().refreshesInFlight() == 0);
    }
}
