package io.podtally.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.podtally.cache.CountingSource;
import io.podtally.cache.FreshnessState;
import io.podtally.cache.PodCountEvent;
import io.podtally.cache.PodCountSettings;
import io.podtally.cache.PodCountSnapshot;
import io.podtally.cache.PodCountStore;
import io.podtally.cache.PodCountView;
import io.podtally.cache.RefreshOutcome;
import io.podtally.cache.RefreshingPodCountCache;
import io.podtally.cache.SourceCounts;
import io.podtally.cache.StoreUnavailableException;
import io.podtally.cache.WatchLease;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three podtally replicas, each a {@link RedisBackend} with its own clients as the application starts it, sharing
 * one pod-count source; and a steady read load on all of them that records every answer, for failover tests.
 */
final class FailoverReplicas implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FailoverReplicas.class);
    private static final Duration READ_EVERY = Duration.ofMillis(20);
    /** Longer than a failover, as the default 30 s is: a lock or lease held through one is kept by its holder. */
    private static final Duration WATCHDOG = Duration.ofSeconds(10);

    record Read(long atNanos, String replica, String cluster, FreshnessState state, Map<String, Integer> counts,
            Duration took, RuntimeException error) {}

    record Replica(String name, RedisBackend backend, RefreshingPodCountCache cache, List<PodCountEvent> events) {}

    private final Map<String, Integer> counts;
    private final CountingSource source;
    private final PodCountSettings settings;
    private final List<Replica> replicas = new ArrayList<>();
    private final ConcurrentLinkedQueue<Read> reads = new ConcurrentLinkedQueue<>();
    private ScheduledExecutorService load;

    FailoverReplicas(RedisConnectionSettings redis, Map<String, Integer> counts) {
        this.counts = counts;
        this.source = new CountingSource(counts).delay(Duration.ofMillis(200));
        this.settings = PodCountSettings.builder().warmUpSpread(Duration.ofMillis(100))
                .circuitOpenFor(Duration.ofMillis(500)).build();
        for (int i = 1; i <= 3; i++) {
            RedisBackend backend = RedisBackend.start(redis.withLockWatchdogTimeout(WATCHDOG), settings,
                    Clock.systemUTC(), new SimpleMeterRegistry());
            RefreshingPodCountCache cache = new RefreshingPodCountCache(source, backend.store(),
                    backend.recentClusters(), backend.lock(), backend.events(), settings, new SimpleMeterRegistry(),
                    Clock.systemUTC());
            List<PodCountEvent> events = new CopyOnWriteArrayList<>();
            cache.addListener(events::add);
            replicas.add(new Replica("replica-" + i, backend, cache, events));
        }
    }

    List<Replica> replicas() {
        return replicas;
    }

    CountingSource source() {
        return source;
    }

    /** Waits until every replica's backend answers and has subscribed to the events. */
    void awaitConnected(Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(100)).until(() -> replicas.stream()
                .allMatch(r -> r.backend().problem() == null && Boolean.TRUE.equals(r.backend().eventsSubscribed())));
    }

    /** Refreshes each cluster from one replica and waits until every replica reads it fresh. */
    void warm(Collection<String> clusters, Duration atMost) {
        for (String cluster : clusters) {
            assertThat(replicas.get(0).cache().refresh(cluster).orTimeout(10, TimeUnit.SECONDS).join())
                    .isEqualTo(RefreshOutcome.COMPLETE);
        }
        awaitFresh(clusters, atMost);
    }

    /** Waits until every replica reads every cluster fresh with the exact counts. */
    void awaitFresh(Collection<String> clusters, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(50)).until(() -> replicas.stream()
                .allMatch(r -> clusters.stream().allMatch(c -> {
                    PodCountView view = r.cache().read(c);
                    return view.state() == FreshnessState.FRESH && counts.equals(view.counts());
                })));
    }

    /** Starts reading every cluster on every replica every 20 ms, recording each answer. */
    void startLoad(Collection<String> clusters) {
        load = Executors.newScheduledThreadPool(replicas.size(), runnable -> {
            Thread thread = new Thread(runnable, "failover-load");
            thread.setDaemon(true);
            return thread;
        });
        for (Replica replica : replicas) {
            load.scheduleWithFixedDelay(() -> clusters.forEach(cluster -> {
                long start = System.nanoTime();
                try {
                    PodCountView view = replica.cache().read(cluster);
                    reads.add(new Read(start, replica.name(), cluster, view.state(), view.counts(),
                            Duration.ofNanos(System.nanoTime() - start), null));
                } catch (RuntimeException e) {
                    reads.add(new Read(start, replica.name(), cluster, null, null,
                            Duration.ofNanos(System.nanoTime() - start), e));
                }
            }), 0, READ_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    void stopLoad() {
        if (load != null) {
            load.shutdownNow();
            try {
                assertThat(load.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The reads started at or after {@code fromNanos}. */
    List<Read> readsSince(long fromNanos) {
        return reads.stream().filter(read -> read.atNanos() - fromNanos >= 0).toList();
    }

    /**
     * Refreshes {@code cluster} on every replica while the first one's refresh holds the lock: that one counts the
     * pods, the others find the lock taken; every replica then reads the new generation and hears of it. A refresh
     * that ends {@code unavailable} (a client still finding the new topology) is tried again until {@code atMost}.
     *
     * @return the refreshes that ended {@code unavailable} and were tried again
     */
    int refreshOnceAcross(String cluster, Duration atMost) {
        int before = source.calls();
        int entered = source.entered();
        long generation = replicas.get(0).cache().read(cluster).generation();
        List<RefreshOutcome> retried = new ArrayList<>();
        List<RefreshOutcome> outcomes = new ArrayList<>();
        source.hold();
        try {
            List<CompletableFuture<RefreshOutcome>> holder = new ArrayList<>(List.of(
                    replicas.get(0).cache().refresh(cluster)));
            await().atMost(atMost).pollInterval(Duration.ofMillis(100)).until(() -> {
                if (source.entered() == entered + 1) {
                    return true;
                }
                if (holder.get(0).isDone()) {
                    retried.add(holder.get(0).join());
                    holder.set(0, replicas.get(0).cache().refresh(cluster));
                }
                return false;
            });
            for (Replica other : replicas.subList(1, replicas.size())) {
                outcomes.add(await().atMost(atMost).pollInterval(Duration.ofMillis(100)).until(() -> {
                    RefreshOutcome outcome = other.cache().refresh(cluster).orTimeout(atMost.toMillis(),
                            TimeUnit.MILLISECONDS).join();
                    if (outcome == RefreshOutcome.SKIPPED_UNAVAILABLE) {
                        retried.add(outcome);
                    }
                    return outcome;
                }, outcome -> outcome != RefreshOutcome.SKIPPED_UNAVAILABLE));
            }
            source.open();
            outcomes.add(0, holder.get(0).orTimeout(atMost.toMillis(), TimeUnit.MILLISECONDS).join());
        } finally {
            source.open();
        }
        log.info("Refresh of {} on three replicas after the failover: {}; tried again after {}", cluster, outcomes,
                retried);
        assertThat(retried).allMatch(outcome -> outcome == RefreshOutcome.SKIPPED_UNAVAILABLE);
        assertThat(outcomes).containsExactly(RefreshOutcome.COMPLETE, RefreshOutcome.SKIPPED_LOCKED,
                RefreshOutcome.SKIPPED_LOCKED);
        assertThat(source.calls()).isEqualTo(before + 1);
        PodCountEvent expected = new PodCountEvent(cluster, generation + 1, PodCountEvent.Reason.WRITE);
        for (Replica replica : replicas) {
            await().atMost(atMost).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
                PodCountView view = replica.cache().read(cluster);
                assertThat(view.generation()).isEqualTo(generation + 1);
                assertThat(view.counts()).isEqualTo(counts);
            });
            await().atMost(atMost).pollInterval(Duration.ofMillis(50))
                    .until(() -> replica.events().contains(expected));
        }
        return retried.size();
    }

    /** Takes the watch lease of {@code cluster} on the first replica, to be held through a failover. */
    WatchLease.Held holdLease(String cluster) {
        return lease(0).tryAcquire(cluster).orElseThrow();
    }

    /**
     * Checks that the lease {@code held} through the failover by the first replica is neither lost nor stuck: its
     * holder still holds it, the second replica cannot take it, and the holder's fenced write lands (the exact
     * counts, so reads stay exact); it stays held until one watchdog timeout after the failover ended, so its
     * renewals reach the new master; once the holder releases it, the second replica takes it. A call that meets a
     * client still finding the new topology is tried again until {@code atMost}.
     *
     * @param failedOverNanos when the new master served ({@link System#nanoTime()})
     * @return from the release until the second replica held the lease
     */
    Duration leaseKeptAndReleased(String cluster, WatchLease.Held held, long failedOverNanos, Duration atMost) {
        WatchLease other = lease(1);
        await().atMost(atMost).pollInterval(Duration.ofMillis(100)).ignoreException(StoreUnavailableException.class)
                .untilAsserted(() -> {
                    assertThat(held.stillHeld()).as("the lease kept by its holder").isTrue();
                    assertThat(other.tryAcquire(cluster)).as("the lease taken by another while held").isEmpty();
                    assertThat(held.write(exactSnapshot())).as("the holder's fenced write").get()
                            .extracting(PodCountStore.WriteResult::accepted).isEqualTo(true);
                });
        Duration untilRenewed = WATCHDOG.plusSeconds(1).minusNanos(System.nanoTime() - failedOverNanos);
        if (untilRenewed.compareTo(Duration.ZERO) > 0) {
            await().during(untilRenewed).atMost(untilRenewed.plus(atMost)).pollInterval(Duration.ofMillis(250))
                    .until(held::stillHeld);
        }
        long released = System.nanoTime();
        held.release();
        WatchLease.Held taken = await().atMost(atMost).pollInterval(Duration.ofMillis(50))
                .ignoreException(StoreUnavailableException.class)
                .until(() -> other.tryAcquire(cluster), Optional::isPresent).orElseThrow();
        Duration took = Duration.ofNanos(System.nanoTime() - released);
        taken.release();
        log.info("Watch lease of {} held through the failover: kept and renewed by its holder; another replica held "
                + "it {} ms after its release", cluster, took.toMillis());
        return took;
    }

    private WatchLease lease(int replica) {
        return replicas.get(replica).backend().watchLease().orElseThrow();
    }

    private PodCountSnapshot exactSnapshot() {
        long pods = counts.values().stream().mapToLong(Integer::longValue).sum();
        Instant now = replicas.get(0).backend().clock().instant();
        return PodCountSnapshot.of(new SourceCounts(counts, true, 1, pods, "informer", null), now, now, settings, null,
                0);
    }

    @Override
    public void close() {
        stopLoad();
        for (Replica replica : replicas) {
            replica.cache().close();
            replica.backend().close();
        }
    }
}
