package io.podtally.cache.redis;

import static io.podtally.cache.Futures.done;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podtally.cache.CountingSource;
import io.podtally.cache.FreshnessState;
import io.podtally.cache.PodCountEvent;
import io.podtally.cache.PodCountSettings;
import io.podtally.cache.PodCountView;
import io.podtally.cache.RefreshOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@DisplayName("Three replicas on one Redis")
class MultiReplicaIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final Logger log = LoggerFactory.getLogger(MultiReplicaIT.class);
    private static final AtomicInteger CLUSTERS = new AtomicInteger();
    private static final Map<String, Integer> COUNTS = Map.of("node-a", 3, "node-b", 7, "node-c", 11);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final PodCountSettings settings = PodCountSettings.builder()
            .warmUpSpread(Duration.ofMillis(500))
            .build();
    private final CountingSource source = new CountingSource(COUNTS).delay(Duration.ofMillis(300));
    private final List<RedisReplica> replicas = new ArrayList<>();
    private String cluster;

    @BeforeEach
    void setUp() {
        cluster = "cluster-" + CLUSTERS.incrementAndGet();
        for (int i = 0; i < 3; i++) {
            replicas.add(new RedisReplica(REDIS.port(), source, settings));
        }
    }

    @AfterEach
    void tearDown() {
        replicas.forEach(RedisReplica::close);
    }

    private void awaitAllFresh(String name) {
        for (RedisReplica replica : replicas) {
            await().atMost(WAIT).until(() -> replica.cache().read(name).state() == FreshnessState.FRESH);
        }
    }

    @Test
    @DisplayName("200 concurrent reads of a cold cluster on 3 replicas count the pods once; all read the same counts")
    void oneCountAcrossReplicas() throws Exception {
        ExecutorService readers = Executors.newFixedThreadPool(24);
        List<CompletableFuture<PodCountView>> reads;
        try {
            reads = IntStream.range(0, 200)
                    .mapToObj(i -> CompletableFuture.supplyAsync(
                            () -> replicas.get(i % 3).cache().read(cluster), readers))
                    .toList();
            CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        } finally {
            readers.shutdownNow();
        }

        assertThat(reads).allSatisfy(read -> assertThat(read.getNow(null).state())
                .isIn(FreshnessState.LOADING, FreshnessState.FRESH));
        awaitAllFresh(cluster);
        for (RedisReplica replica : replicas) {
            await().atMost(WAIT).until(() -> replica.cache().refreshesInFlight() == 0);
        }
        assertThat(source.calls()).isEqualTo(1);
        List<PodCountView> views = replicas.stream().map(r -> r.cache().read(cluster)).toList();
        assertThat(views).allSatisfy(view -> {
            assertThat(view.counts()).isEqualTo(COUNTS);
            assertThat(view.generation()).isEqualTo(1);
            assertThat(view.fetchedAt()).isEqualTo(views.get(0).fetchedAt());
        });
    }

    @Test
    @DisplayName("every replica hears of a write through podtally:events")
    void eventsReachEveryReplica() {
        assertThat(done(replicas.get(0).cache().refresh(cluster))).isEqualTo(RefreshOutcome.COMPLETE);

        PodCountEvent expected = new PodCountEvent(cluster, 1, PodCountEvent.Reason.WRITE);
        for (RedisReplica replica : replicas) {
            await().atMost(WAIT).until(() -> replica.events().contains(expected));
        }
    }

    @Test
    @DisplayName("redis-cli DEL of the key is seen by every replica as loading")
    void deleteByOperator() {
        done(replicas.get(0).cache().refresh(cluster));
        awaitAllFresh(cluster);
        source.hold();

        String deleted = REDIS.server().cli("DEL", "podtally:{" + cluster + "}:podcounts");

        assertThat(deleted).isEqualTo("1");
        assertThat(replicas).allSatisfy(replica -> {
            PodCountView view = replica.cache().read(cluster);
            assertThat(view.state()).isEqualTo(FreshnessState.LOADING);
            assertThat(view.counts()).isNull();
        });
        source.open();
        awaitAllFresh(cluster);
        assertThat(source.calls()).isEqualTo(2);
    }

    @Test
    @DisplayName("replicas warming up together refresh each cluster once")
    void warmUpTogether() {
        List<String> clusters = List.of(cluster + "-a", cluster + "-b", cluster + "-c");

        List<CompletableFuture<Map<String, RefreshOutcome>>> warmUps =
                replicas.stream().map(r -> r.cache().warmUp(clusters)).toList();
        List<Map<String, RefreshOutcome>> outcomes = warmUps.stream()
                .map(f -> f.orTimeout(10, TimeUnit.SECONDS).join()).toList();

        log.info("Warm-up outcomes: {}", outcomes);
        assertThat(source.calls()).isEqualTo(3);
        for (String name : clusters) {
            assertThat(outcomes).filteredOn(o -> o.get(name) == RefreshOutcome.COMPLETE).hasSize(1);
        }
    }

    @Test
    @DisplayName("when the lock holder dies mid-refresh, another replica refreshes once the watchdog lets go")
    void lockHolderDies() {
        CountingSource stuck = new CountingSource(Map.of("node-a", 1)).hold();
        RedisReplica holder = new RedisReplica(REDIS.port(), stuck, settings);
        try {
            CompletableFuture<RefreshOutcome> held = holder.cache().refresh(cluster);
            await().atMost(WAIT).until(() -> stuck.entered() == 1);
            assertThat(done(replicas.get(0).cache().refresh(cluster))).isEqualTo(RefreshOutcome.SKIPPED_LOCKED);

            long died = System.nanoTime();
            holder.redisson().shutdown();

            await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                    .until(() -> done(replicas.get(0).cache().refresh(cluster)) == RefreshOutcome.COMPLETE);
            Duration takeover = Duration.ofNanos(System.nanoTime() - died);
            log.info("Lock taken over {} ms after its holder died (watchdog 2 s)", takeover.toMillis());
            assertThat(takeover).isLessThan(Duration.ofSeconds(5));
            assertThat(source.calls()).isEqualTo(1);

            stuck.open();
            assertThat(held.orTimeout(10, TimeUnit.SECONDS).join())
                    .as("the holder whose lock lapsed writes nothing over the newer count")
                    .isEqualTo(RefreshOutcome.LOCK_LOST);
            assertThat(replicas.get(1).cache().read(cluster).counts()).isEqualTo(COUNTS);
        } finally {
            stuck.open();
            holder.close();
        }
    }

    @Test
    @DisplayName("a replica shutting down mid-refresh writes nothing and frees the lock at once, not after the watchdog")
    void shutdownMidRefresh() {
        CountingSource stuck = new CountingSource(Map.of("node-a", 1)).hold();
        RedisReplica leaving = new RedisReplica(REDIS.port(), stuck, settings);
        try {
            CompletableFuture<RefreshOutcome> stopped = leaving.cache().refresh(cluster);
            await().atMost(WAIT).until(() -> stuck.entered() == 1);

            leaving.close();

            assertThat(stopped.orTimeout(10, TimeUnit.SECONDS).join()).isEqualTo(RefreshOutcome.STOPPED);

            assertThat(done(replicas.get(0).cache().refresh(cluster))).isEqualTo(RefreshOutcome.COMPLETE);
            assertThat(replicas.get(1).cache().read(cluster).counts()).isEqualTo(COUNTS);
            assertThat(leaving.registry().find("podtally.podcounts.store.errors").counters())
                    .as("the interrupted refresh did not take the store for unreachable").isEmpty();
        } finally {
            stuck.open();
            leaving.close();
        }
    }

    @Test
    @DisplayName("metrics count reads by state, refreshes by outcome and lock attempts")
    void metrics() {
        RedisReplica replica = replicas.get(0);
        replica.cache().read(cluster);
        await().atMost(WAIT).until(() -> replica.cache().read(cluster).state() == FreshnessState.FRESH);
        await().atMost(WAIT).until(() -> replica.cache().refreshesInFlight() == 0);

        assertThat(replica.registry().get("podtally.podcounts.reads").tags("cluster", cluster, "state", "loading")
                .counter().count()).isGreaterThanOrEqualTo(1);
        assertThat(replica.registry().get("podtally.podcounts.refresh").tags("cluster", cluster, "outcome", "complete")
                .timer().totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(300);
        assertThat(replica.registry().get("podtally.podcounts.lock").tags("cluster", cluster, "acquired", "true")
                .counter().count()).isEqualTo(1);
    }
}
