package io.podtally.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.podtally.cache.PodCountSettings;
import io.podtally.cache.PodCountSnapshot;
import io.podtally.cache.PodCountStore;
import io.podtally.cache.PodCountWatch;
import io.podtally.cache.SourceCounts;
import io.podtally.cache.WatchCoordinator;
import io.podtally.cache.WatchLease;
import io.podtally.cache.WatchSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("RedissonWatchLease on a real Redis: the holder's writes are fenced by the lease")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedissonWatchLeaseIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final AtomicInteger CLUSTERS = new AtomicInteger();
    private static final PodCountSettings SETTINGS = PodCountSettings.defaults();

    private RedisBackend backend;
    private RedisBackend other;
    private String cluster;

    @BeforeEach
    void setUp() {
        backend = RedisBackend.start(RedisTestSupport.settings(REDIS.port()), SETTINGS, Clock.systemUTC(),
                new SimpleMeterRegistry());
        other = RedisBackend.start(RedisTestSupport.settings(REDIS.port()), SETTINGS, Clock.systemUTC(),
                new SimpleMeterRegistry());
        cluster = "fenced-" + CLUSTERS.incrementAndGet();
    }

    @AfterEach
    void tearDown() {
        backend.close();
        other.close();
    }

    @Test
    @DisplayName("a write while the lease is held is accepted; after the lease key is deleted it is refused, "
            + "though the holder had just checked its lease")
    void writeRefusedOnceTheLeaseIsGone() {
        WatchLease.Held held = backend.watchLease().orElseThrow().tryAcquire(cluster).orElseThrow();
        assertThat(held.write(snapshot(Map.of("node-a", 1)))).get().extracting(PodCountStore.WriteResult::accepted)
                .isEqualTo(true);
        assertThat(held.stillHeld()).isTrue();

        REDIS.server().cli("DEL", RedissonWatchLease.leaseName(cluster));

        assertThat(held.write(snapshot(Map.of("node-a", 2)))).isEmpty();
        assertThat(backend.store().read(cluster)).get()
                .satisfies(s -> assertThat(s.counts()).containsExactlyEntriesOf(Map.of("node-a", 1)))
                .satisfies(s -> assertThat(s.generation()).isEqualTo(1));
    }

    @Test
    @DisplayName("once another replica holds the lease, the old holder's writes are refused and the new one's accepted")
    void oldHolderRefusedNewHolderAccepted() {
        WatchLease.Held old = backend.watchLease().orElseThrow().tryAcquire(cluster).orElseThrow();
        REDIS.server().cli("DEL", RedissonWatchLease.leaseName(cluster));
        WatchLease.Held taken = other.watchLease().orElseThrow().tryAcquire(cluster).orElseThrow();

        assertThat(old.write(snapshot(Map.of("node-a", 9)))).isEmpty();
        assertThat(taken.write(snapshot(Map.of("node-a", 3)))).get().extracting(PodCountStore.WriteResult::accepted)
                .isEqualTo(true);
        assertThat(other.store().read(cluster)).get()
                .satisfies(s -> assertThat(s.counts()).containsExactlyEntriesOf(Map.of("node-a", 3)));
        taken.release();
    }

    @Test
    @DisplayName("the holder's description is written only by the lease holder: once another replica holds the "
            + "lease, the old holder cannot overwrite the new one's")
    void oldHolderCannotOverwriteTheDescription() {
        WatchLease.Held old = backend.watchLease().orElseThrow().tryAcquire(cluster).orElseThrow();
        Instant since = Instant.ofEpochMilli(1_000);
        assertThat(old.describe(new WatchLease.Holder("old", since, "watching"), Duration.ofSeconds(30))).isTrue();
        assertThat(other.watchLease().orElseThrow().holder(cluster)).get()
                .extracting(WatchLease.Holder::replica).isEqualTo("old");

        REDIS.server().cli("DEL", RedissonWatchLease.leaseName(cluster));
        WatchLease.Held taken = other.watchLease().orElseThrow().tryAcquire(cluster).orElseThrow();
        assertThat(taken.describe(new WatchLease.Holder("new", since, "listing"), Duration.ofSeconds(30))).isTrue();

        assertThat(old.describe(new WatchLease.Holder("old", since, "watching"), Duration.ofSeconds(30))).isFalse();
        assertThat(backend.watchLease().orElseThrow().holder(cluster)).get()
                .satisfies(h -> assertThat(h.replica()).isEqualTo("new"))
                .satisfies(h -> assertThat(h.state()).isEqualTo("listing"));
        assertThat(Long.parseLong(REDIS.server().cli("PTTL", RedissonWatchLease.holderKey(cluster))))
                .isBetween(1L, 30_000L);
        taken.release();
    }

    @Test
    @DisplayName("a running holder whose lease is taken by another stops publishing itself as the holder")
    void runningHolderStopsDescribingWhenItsLeaseIsTaken() {
        WatchSettings settings = new WatchSettings("holder", Duration.ofMillis(50), Duration.ofSeconds(15),
                Duration.ofSeconds(30), Duration.ZERO);
        SteadyWatch watch = new SteadyWatch();
        try (WatchCoordinator coordinator = new WatchCoordinator(List.of(cluster), backend.watchLease().orElseThrow(),
                backend.replicaRegistry().orElseThrow(), c -> watch, backend.store(), backend.events(), SETTINGS,
                settings, new SimpleMeterRegistry(), Clock.systemUTC())) {
            coordinator.start();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    other.watchLease().orElseThrow().holder(cluster)).get()
                    .extracting(WatchLease.Holder::replica).isEqualTo("holder"));

            String lease = RedissonWatchLease.leaseName(cluster);
            REDIS.server().cli("EVAL", "redis.call('DEL', KEYS[1]); redis.call('HSET', KEYS[1], ARGV[1], 1); "
                    + "redis.call('PEXPIRE', KEYS[1], 30000); "
                    + "return redis.call('SET', KEYS[2], ARGV[2], 'PX', 30000)", "2", lease,
                    RedissonWatchLease.holderKey(cluster), "another-replica:1", "another\n1000\nwatching");

            await().atMost(Duration.ofSeconds(5)).until(() -> coordinator.held().isEmpty());
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(
                    REDIS.server().cli("GET", RedissonWatchLease.holderKey(cluster))).startsWith("another"));
        }
    }

    @Test
    @DisplayName("a running holder whose lease key is deleted and taken by another writes nothing afterwards")
    void runningHolderStopsWritingWhenItsLeaseIsTaken() {
        ChangingWatch watch = new ChangingWatch();
        WatchSettings settings = new WatchSettings("holder", Duration.ofMillis(50), Duration.ofSeconds(15),
                Duration.ofSeconds(30), Duration.ZERO);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (WatchCoordinator coordinator = new WatchCoordinator(List.of(cluster), backend.watchLease().orElseThrow(),
                backend.replicaRegistry().orElseThrow(), c -> watch, backend.store(), backend.events(), SETTINGS,
                settings, meters, Clock.systemUTC())) {
            coordinator.start();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(generation()).isGreaterThan(2));
            assertThat(meters.get("podtally.watch.events").counter().count()).isGreaterThan(2);

            String lease = RedissonWatchLease.leaseName(cluster);
            REDIS.server().cli("EVAL", "redis.call('DEL', KEYS[1]); redis.call('HSET', KEYS[1], ARGV[1], 1); "
                    + "return redis.call('PEXPIRE', KEYS[1], 30000)", "1", lease, "another-replica:1");
            long after = generation();

            await().atMost(Duration.ofSeconds(5)).until(() -> coordinator.held().isEmpty());
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> generation() == after);
        }
    }

    private long generation() {
        return other.store().read(cluster).map(PodCountSnapshot::generation).orElse(0L);
    }

    private static PodCountSnapshot snapshot(Map<String, Integer> counts) {
        return PodCountSnapshot.of(new SourceCounts(counts, true, 1, counts.values().stream().mapToInt(i -> i).sum(),
                "informer", null), Instant.now(), Instant.now(), SETTINGS, null, 0);
    }

    /** A watch whose counts never change after its list. */
    private static final class SteadyWatch implements PodCountWatch {

        @Override
        public void start() {
        }

        @Override
        public void relist() {
        }

        @Override
        public Status status() {
            return new Status("watching", true, 1, 1, 1, Instant.EPOCH);
        }

        @Override
        public SourceCounts counts() {
            return new SourceCounts(Map.of("node-a", 1), true, 1, 1, "informer", null);
        }

        @Override
        public void close() {
        }
    }

    /** A watch whose counts change on every look at its status. */
    private static final class ChangingWatch implements PodCountWatch {

        final AtomicLong version = new AtomicLong();

        @Override
        public void start() {
        }

        @Override
        public void relist() {
        }

        @Override
        public Status status() {
            return new Status("watching", true, version.incrementAndGet(), 1, version.get(), Instant.EPOCH);
        }

        @Override
        public SourceCounts counts() {
            int pods = (int) (version.get() % 50) + 1;
            return new SourceCounts(Map.of("node-a", pods), true, 1, pods, "informer", null);
        }

        @Override
        public void close() {
        }
    }
}
