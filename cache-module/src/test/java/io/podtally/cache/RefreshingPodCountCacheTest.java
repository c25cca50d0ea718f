package io.podtally.cache;

import static io.podtally.cache.Futures.done;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.podtally.cache.memory.InMemoryPodCountEvents;
import io.podtally.cache.memory.InMemoryPodCountStore;
import io.podtally.cache.memory.InMemoryRecentClusters;
import io.podtally.cache.memory.LocalRefreshLock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

@DisplayName("RefreshingPodCountCache (in memory, controllable clock)")
class RefreshingPodCountCacheTest {

    private static final Map<String, Integer> COUNTS = Map.of("node-a", 3, "node-b", 7);
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final MutableClock clock = MutableClock.atEpochMillis(1_700_000_000_000L);
    private final PodCountSettings settings = PodCountSettings.builder()
            .warmUpSpread(Duration.ofMillis(50))
            .build();
    private final CountingSource source = new CountingSource(COUNTS);
    private final LocalRefreshLock lock = new LocalRefreshLock();
    private final SwitchableStore store = new SwitchableStore(
            new InMemoryPodCountStore(settings, clock, lock), new InMemoryRecentClusters(settings.retention(), clock));
    private final InMemoryPodCountEvents events = new InMemoryPodCountEvents();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<PodCountEvent> received = new CopyOnWriteArrayList<>();
    private RefreshingPodCountCache cache;

    @BeforeEach
    void setUp() {
        cache = newCache(settings);
    }

    @AfterEach
    void tearDown() {
        cache.close();
    }

    private RefreshingPodCountCache newCache(PodCountSettings withSettings) {
        RefreshingPodCountCache created = new RefreshingPodCountCache(
                source, store, store, lock, events, withSettings, registry, clock);
        created.addListener(received::add);
        return created;
    }

    private PodCountView awaitState(String cluster, FreshnessState state) {
        return await().atMost(WAIT).until(() -> cache.read(cluster), view -> view.state() == state);
    }

    private void awaitIdle() {
        await().atMost(WAIT).until(() -> cache.refreshesInFlight() == 0);
    }

    @Nested
    @DisplayName("freshness states")
    class States {

        @Test
        @DisplayName("loading: a cold read returns no counts (never 0), starts one refresh, then reads fresh")
        void loadingThenFresh() {
            PodCountView first = cache.read("c1");

            assertThat(first.state()).isEqualTo(FreshnessState.LOADING);
            assertThat(first.counts()).isNull();
            assertThat(first.countFor("node-a")).isNull();
            assertThat(first.complete()).isNull();
            PodCountView fresh = awaitState("c1", FreshnessState.FRESH);
            assertThat(fresh.counts()).isEqualTo(COUNTS);
            assertThat(fresh.countFor("node-c")).isZero();
            assertThat(fresh.complete()).isTrue();
            assertThat(fresh.fetchedAt()).isEqualTo(clock.instant());
            assertThat(fresh.ageSeconds()).isZero();
            assertThat(fresh.source()).isEqualTo("paginated");
            assertThat(fresh.generation()).isEqualTo(1);
            assertThat(source.calls()).isEqualTo(1);
        }

        @Test
        @DisplayName("fresh: reads within fresh-for start no refresh")
        void freshNoRefresh() {
            assertThat(done(cache.refresh("c1"))).isEqualTo(RefreshOutcome.COMPLETE);

            clock.advance(settings.freshFor().minusSeconds(1));
            PodCountView view = cache.read("c1");

            assertThat(view.state()).isEqualTo(FreshnessState.FRESH);
            assertThat(view.ageSeconds()).isEqualTo(settings.freshFor().minusSeconds(1).toSeconds());
            assertThat(cache.refreshesInFlight()).isZero();
            assertThat(source.calls()).isEqualTo(1);
        }

        @Test
        @DisplayName("stale: counts are served and exactly one refresh starts, then fresh again")
        void staleTriggersOneRefresh() {
            done(cache.refresh("c1"));
            clock.advance(settings.freshFor());
            source.hold();

            List<PodCountView> views = IntStream.range(0, 20).mapToObj(i -> cache.read("c1")).toList();

            assertThat(views).allSatisfy(view -> {
                assertThat(view.state()).isEqualTo(FreshnessState.STALE);
                assertThat(view.counts()).isEqualTo(COUNTS);
            });
            await().atMost(WAIT).until(() -> source.entered() == 2);
            source.open();
            PodCountView fresh = awaitState("c1", FreshnessState.FRESH);
            assertThat(fresh.generation()).isEqualTo(2);
            assertThat(source.calls()).isEqualTo(2);
        }

        @Test
        @DisplayName("expired: the last counts are served flagged expired, and a refresh starts")
        void expired() {
            done(cache.refresh("c1"));
            clock.advance(settings.staleFor());
            source.hold();

            PodCountView view = cache.read("c1");

            assertThat(view.state()).isEqualTo(FreshnessState.EXPIRED);
            assertThat(view.counts()).isEqualTo(COUNTS);
            assertThat(view.ageSeconds()).isEqualTo(settings.staleFor().toSeconds());
            await().atMost(WAIT).until(() -> source.entered() == 2);
            source.open();
            awaitState("c1", FreshnessState.FRESH);
        }

        @Test
        @DisplayName("partial: counts are lower bounds, whatever the age; the next refresh waits for the backoff and for "
                + "fresh-for after the list ended")
        void partialWithBackoff() {
            source.answering(CountingSource.partial(Map.of("node-a", 2)));
            assertThat(done(cache.refresh("c1"))).isEqualTo(RefreshOutcome.PARTIAL);

            PodCountView view = cache.read("c1");
            assertThat(view.state()).isEqualTo(FreshnessState.PARTIAL);
            assertThat(view.complete()).isFalse();
            assertThat(view.countFor("node-a")).isEqualTo(2);
            assertThat(view.countFor("node-b")).isNull();

            clock.advance(settings.freshFor().minusSeconds(1));
            assertThat(cache.read("c1").state()).isEqualTo(FreshnessState.PARTIAL);
            assertThat(cache.refreshesInFlight()).isZero();
            assertThat(source.calls()).isEqualTo(1);

            clock.advance(Duration.ofSeconds(1));
            cache.read("c1");
            await().atMost(WAIT).until(() -> source.calls() == 2);
            awaitIdle();
            PodCountSnapshot stored = store.read("c1").orElseThrow();
            assertThat(stored.failures()).isEqualTo(2);
            assertThat(stored.nextAttempt()).isEqualTo(clock.instant().plus(settings.freshFor()));

            source.answering(CountingSource.complete(COUNTS));
            clock.advance(settings.freshFor());
            cache.read("c1");
            PodCountView complete = awaitState("c1", FreshnessState.FRESH);
            assertThat(complete.complete()).isTrue();
            assertThat(store.read("c1").orElseThrow().nextAttempt()).isNull();
        }

        @Test
        @DisplayName("a failed refresh keeps the counts and no read refreshes before the backoff; admin refresh does")
        void failureKeepsCountsAndBacksOff() {
            done(cache.refresh("c1"));
            clock.advance(settings.freshFor());
            source.failing("API server down");

            assertThat(cache.read("c1").state()).isEqualTo(FreshnessState.STALE);
            await().atMost(WAIT).until(() -> source.entered() == 2);
            awaitIdle();

            PodCountView view = cache.read("c1");
            assertThat(view.state()).isEqualTo(FreshnessState.STALE);
            assertThat(view.counts()).isEqualTo(COUNTS);
            assertThat(cache.refreshesInFlight()).isZero();
            assertThat(store.read("c1").orElseThrow().nextAttempt())
                    .isEqualTo(clock.instant().plus(settings.backoffInitial()));

            source.answering(CountingSource.complete(Map.of("node-a", 4)));
            assertThat(done(cache.refresh("c1"))).isEqualTo(RefreshOutcome.COMPLETE);
            assertThat(cache.read("c1").counts()).containsExactly(Map.entry("node-a", 4));
        }

        @Test
        @DisplayName("a source that fails before any count leaves the cluster loading, never 0, and backs off")
        void failureWhileLoading() {
            source.failing("forbidden");

            assertThat(done(cache.refresh("c1"))).isEqualTo(RefreshOutcome.FAILED);

            PodCountView view = cache.read("c1");
            assertThat(view.state()).isEqualTo(FreshnessState.LOADING);
            assertThat(view.countFor("node-a")).isNull();
            assertThat(cache.refreshesInFlight()).isZero();
            clock.advance(settings.backoffInitial());
            cache.read("c1");
            await().atMost(WAIT).until(() -> source.entered() == 2);
        }

        @Test
        @DisplayName("stopped: a refresh interrupted by close writes nothing and sets no backoff")
        void stoppedByClose() {
            source.hold();
            CompletableFuture<RefreshOutcome> running = cache.refresh("c1");
            await().atMost(WAIT).until(() -> source.entered() == 1);

            cache.close();

            assertThat(running.orTimeout(10, TimeUnit.SECONDS).join()).isEqualTo(RefreshOutcome.STOPPED);
            assertThat(store.read("c1")).isEmpty();
            assertThat(registry.get("podtally.podcounts.refresh").tags("cluster", "c1", "outcome", "stopped")
                    .timer().count()).isEqualTo(1);
            cache = newCache(settings);
        }

        @Test
        @DisplayName("unavailable: the last counts read are served flagged, nothing is refreshed, and reads recover")
        void unavailable() {
            cache.close();
            cache = newCache(settings.toBuilder()
                    .refreshThreads(2)
                    .refreshQueue(8)
                    .circuitOpenFor(Duration.ofMillis(300))
                    .build());
            done(cache.refresh("c1"));
            assertThat(cache.read("c1").state()).isEqualTo(FreshnessState.FRESH);
            store.down(true);
            clock.advance(settings.staleFor());

            PodCountView known = cache.read("c1");
            int callsAfterFailure = store.calls();
            PodCountView unknown = cache.read("c2");

            assertThat(known.state()).isEqualTo(FreshnessState.UNAVAILABLE);
            assertThat(known.counts()).isEqualTo(COUNTS);
            assertThat(unknown.state()).isEqualTo(FreshnessState.UNAVAILABLE);
            assertThat(unknown.counts()).isNull();
            assertThat(store.calls()).as("circuit open: the store is not tried again at once")
                    .isEqualTo(callsAfterFailure);
            assertThat(cache.refreshesInFlight()).isZero();
            assertThat(source.calls()).isEqualTo(1);

            store.down(false);
            awaitState("c1", FreshnessState.FRESH);
            assertThat(source.calls()).isEqualTo(2);
        }
    }

    @Nested
    @DisplayName("refresh coordination")
    class Coordination {

        @Test
        @DisplayName("200 concurrent cold reads start one count")
        void singleFlight() throws Exception {
            source.delay(Duration.ofMillis(300));
            ExecutorService readers = Executors.newFixedThreadPool(16);
            try {
                List<CompletableFuture<PodCountView>> reads = IntStream.range(0, 200)
                        .mapToObj(i -> CompletableFuture.supplyAsync(() -> cache.read("c1"), readers))
                        .toList();
                CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
            } finally {
                readers.shutdownNow();
            }

            awaitState("c1", FreshnessState.FRESH);
            awaitIdle();
            assertThat(source.calls()).isEqualTo(1);
        }

        @Test
        @DisplayName("a forced refresh ignores freshness and backoff")
        void forcedRefresh() {
            done(cache.refresh("c1"));
            assertThat(done(cache.refresh("c1"))).isEqualTo(RefreshOutcome.COMPLETE);
            store.setBackoff("c1", clock.instant().plusSeconds(60), 1);
            assertThat(done(cache.refresh("c1"))).isEqualTo(RefreshOutcome.COMPLETE);
            assertThat(source.calls()).isEqualTo(3);
        }

        @Test
        @DisplayName("a refresh waiting for the lock held elsewhere is skipped as locked")
        void skippedLocked() throws Exception {
            try (RefreshingPodCountCache other = new RefreshingPodCountCache(
                    source, store, store, lock, events, settings, registry, clock)) {
                CompletableFuture<RefreshLock.Held> holder = new CompletableFuture<>();
                CompletableFuture<Void> release = new CompletableFuture<>();
                Thread thread = new Thread(() -> {
                    try (RefreshLock.Held held = lock.tryLock("c1").orElseThrow()) {
                        holder.complete(held);
                        done(release);
                    }
                });
                thread.start();
                holder.get(5, TimeUnit.SECONDS);

                assertThat(done(other.refresh("c1"))).isEqualTo(RefreshOutcome.SKIPPED_LOCKED);
                release.complete(null);
                thread.join(5_000);
                assertThat(done(other.refresh("c1"))).isEqualTo(RefreshOutcome.COMPLETE);
            }
        }

        @Test
        @DisplayName("refreshes beyond the bounded queue are skipped as busy, not queued without limit")
        void boundedExecutor() {
            cache.close();
            cache = newCache(settings.toBuilder().refreshThreads(1).refreshQueue(1).build());
            source.hold();

            CompletableFuture<RefreshOutcome> running = cache.refresh("c1");
            await().atMost(WAIT).until(() -> source.entered() == 1);
            CompletableFuture<RefreshOutcome> queued = cache.refresh("c2");
            CompletableFuture<RefreshOutcome> rejected = cache.refresh("c3");

            assertThat(rejected).isCompletedWithValue(RefreshOutcome.SKIPPED_BUSY);
            assertThat(registry.get("podtally.podcounts.refresh").tags("cluster", "c3", "outcome", "skipped-busy")
                    .timer().count()).isEqualTo(1);
            source.open();
            assertThat(done(running)).isEqualTo(RefreshOutcome.COMPLETE);
            assertThat(done(queued)).isEqualTo(RefreshOutcome.COMPLETE);
            awaitIdle();
        }

        @Test
        @DisplayName("warm-up refreshes each cluster once and skips fresh ones")
        void warmUp() {
            done(cache.refresh("c1"));

            Map<String, RefreshOutcome> outcomes = done(cache.warmUp(List.of("c1", "c2", "c3")));

            assertThat(outcomes).containsExactly(
                    Map.entry("c1", RefreshOutcome.SKIPPED_FRESH),
                    Map.entry("c2", RefreshOutcome.COMPLETE),
                    Map.entry("c3", RefreshOutcome.COMPLETE));
            assertThat(source.calls()).isEqualTo(3);
        }

        @Test
        @DisplayName("an older result than the stored one is not written: superseded")
        void olderNotWritten() {
            Instant start = clock.instant();
            source.answer(cluster -> {
                store.write(cluster, PodCountSnapshot.of(CountingSource.complete(Map.of("node-z", 1)),
                        start.plusSeconds(1), start.plusSeconds(1), settings, null, 0));
                return CountingSource.complete(COUNTS);
            });

            assertThat(done(cache.refresh("c1"))).isEqualTo(RefreshOutcome.SUPERSEDED);
            assertThat(store.read("c1").orElseThrow().counts()).containsExactly(Map.entry("node-z", 1));
        }
    }

    @Nested
    @DisplayName("warm-up order and the times clusters were asked for")
    class WarmUpOrder {

        private final List<String> counted = new CopyOnWriteArrayList<>();

        @BeforeEach
        void recordCountedClusters() {
            source.answer(cluster -> {
                counted.add(cluster);
                return CountingSource.complete(COUNTS);
            });
        }

        /** One refresh thread, so that refreshes run in the order they were started. */
        private void replaceCache(PodCountSettings withSettings) {
            cache.close();
            cache = newCache(withSettings.toBuilder().refreshThreads(1).refreshQueue(64).build());
        }

        private Map<String, RefreshOutcome> warmUp(String... clusters) {
            return cache.warmUp(List.of(clusters)).orTimeout(10, TimeUnit.SECONDS).join();
        }

        private double storeErrors(String operation) {
            Counter counter = registry.find("podtally.podcounts.store.errors").tag("operation", operation).counter();
            return counter == null ? 0 : counter.count();
        }

        @Test
        @DisplayName("a read notes its cluster in memory only; the time reaches the store when the cache closes")
        void readNotesInMemory() {
            done(cache.refresh("c1"));
            int callsBefore = store.calls();

            IntStream.range(0, 10).forEach(i -> cache.read("c1"));

            assertThat(store.calls()).as("one store call per read, none for the asked-for time")
                    .isEqualTo(callsBefore + 10);
            assertThat(store.lastAsked()).isEmpty();
            Instant askedAt = clock.instant();
            cache.close();
            assertThat(store.lastAsked()).containsExactly(Map.entry("c1", askedAt));
        }

        @Test
        @DisplayName("peek (an overview of every cluster) answers the stored state, starts no refresh and is not noted as asked")
        void peekCountsNothing() {
            PodCountView cold = cache.peek("c1");

            assertThat(cold.state()).isEqualTo(FreshnessState.LOADING);
            assertThat(cold.counts()).isNull();
            assertThat(cache.refreshesInFlight()).isZero();
            done(cache.refresh("c2"));
            clock.advance(settings.staleFor());
            assertThat(cache.peek("c2").state()).isEqualTo(FreshnessState.EXPIRED);
            assertThat(cache.peek("c2").counts()).isEqualTo(COUNTS);
            assertThat(cache.refreshesInFlight()).isZero();
            assertThat(source.calls()).as("only the admin-style refresh of c2 counted").isEqualTo(1);
            assertThat(registry.find("podtally.podcounts.reads").counters()).as("no dashboard read recorded").isEmpty();
            cache.close();
            assertThat(store.lastAsked()).isEmpty();
        }

        @Test
        @DisplayName("the asked-for times are written in the background every askedFlushInterval, the latest kept")
        void flushedInBackground() {
            replaceCache(settings.toBuilder().askedFlushInterval(Duration.ofMillis(50)).build());

            cache.read("c1");
            Instant first = clock.instant();
            await().atMost(WAIT).until(() -> store.lastAsked().equals(Map.of("c1", first)));
            clock.advance(Duration.ofSeconds(5));
            cache.read("c1");
            Instant second = clock.instant();

            await().atMost(WAIT).until(() -> store.lastAsked().equals(Map.of("c1", second)));
        }

        @Test
        @DisplayName("warm-up counts the clusters asked for most recently first, then the others in configured "
                + "order; names not configured are ignored")
        void mostRecentFirst() {
            replaceCache(settings);
            Instant now = clock.instant();
            store.recordAsked(Map.of("c3", now.minusSeconds(60), "c5", now.minusSeconds(1), "gone", now));

            Map<String, RefreshOutcome> outcomes = warmUp("c1", "c2", "c3", "c4", "c5");

            assertThat(outcomes.keySet()).containsExactly("c5", "c3", "c1", "c2", "c4");
            assertThat(outcomes.values()).containsOnly(RefreshOutcome.COMPLETE);
            assertThat(counted).containsExactly("c5", "c3", "c1", "c2", "c4");
            assertThat(store.read("gone")).isEmpty();
        }

        @Test
        @DisplayName("warm-up-max-clusters: only the first clusters in warm-up order are counted")
        void limited() {
            replaceCache(settings.toBuilder().warmUpMaxClusters(2).build());
            store.recordAsked(Map.of("c3", clock.instant()));

            Map<String, RefreshOutcome> outcomes = warmUp("c1", "c2", "c3");

            assertThat(outcomes).containsExactly(
                    Map.entry("c3", RefreshOutcome.COMPLETE), Map.entry("c1", RefreshOutcome.COMPLETE));
            assertThat(counted).containsExactly("c3", "c1");
            assertThat(store.read("c2")).isEmpty();
        }

        @Test
        @DisplayName("when the asked-for times cannot be read, warm-up counts in configured order")
        void configuredOrderWhenUnreadable() {
            replaceCache(settings);
            store.recordAsked(Map.of("c3", clock.instant()));
            store.askedDown(true);

            Map<String, RefreshOutcome> outcomes = warmUp("c1", "c2", "c3");

            assertThat(outcomes.keySet()).containsExactly("c1", "c2", "c3");
            assertThat(outcomes.values()).containsOnly(RefreshOutcome.COMPLETE);
            assertThat(counted).containsExactly("c1", "c2", "c3");
            assertThat(storeErrors("last-asked")).isEqualTo(1);
        }

        @Test
        @DisplayName("a flush the store refuses is logged once and retried on the next flush; no time is lost")
        void failedFlushRetried() {
            Logger logger = (Logger) LoggerFactory.getLogger(AskedTimes.class);
            ListAppender<ILoggingEvent> logged = new ListAppender<>();
            logged.start();
            logger.addAppender(logged);
            try {
                replaceCache(settings.toBuilder().askedFlushInterval(Duration.ofMillis(50)).build());
                store.askedDown(true);

                cache.read("c1");
                Instant c1At = clock.instant();
                await().atMost(WAIT).until(() -> storeErrors("record-asked") >= 3);
                clock.advance(Duration.ofSeconds(1));
                cache.read("c2");
                Instant c2At = clock.instant();
                await().atMost(WAIT).until(() -> storeErrors("record-asked") >= 4);
                store.askedDown(false);

                await().atMost(WAIT).until(() -> store.lastAsked().equals(Map.of("c1", c1At, "c2", c2At)));
                List<String> messages;
                synchronized (logged) {
                    messages = logged.list.stream()
                            .filter(event -> event.getLevel().isGreaterOrEqual(Level.INFO))
                            .map(ILoggingEvent::getFormattedMessage)
                            .filter(message -> message.contains("asked for"))
                            .toList();
                }
                assertThat(messages).hasSize(2);
                assertThat(messages.get(0)).startsWith("Could not write when 1 clusters were last asked for");
                assertThat(messages.get(1)).isEqualTo("When clusters were last asked for is written again");
            } finally {
                logger.detachAppender(logged);
            }
        }

        @Test
        @DisplayName("warm-up order: newest first, configured order among equal times, then the rest, then the limit")
        void orderRule() {
            Instant t = Instant.ofEpochMilli(1_700_000_000_000L);
            Map<String, Instant> asked = Map.of("d", t, "b", t, "c", t.minusSeconds(1), "gone", t.plusSeconds(1));

            assertThat(WarmUp.order(List.of("a", "b", "c", "d", "e"), asked, 10))
                    .containsExactly("b", "d", "c", "a", "e");
            assertThat(WarmUp.order(List.of("a", "b", "c", "d", "e"), asked, 4))
                    .containsExactly("b", "d", "c", "a");
            assertThat(WarmUp.order(List.of("a", "e"), asked, PodCountSettings.NO_WARM_UP_LIMIT))
                    .containsExactly("a", "e");
        }
    }

    @Nested
    @DisplayName("partial results, list spacing and write retries")
    class Results {

        private void replaceCache(PodCountSettings withSettings) {
            cache.close();
            cache = newCache(withSettings);
        }

        private List<String> warnings(Class<?> type, Runnable action) {
            Logger logger = (Logger) LoggerFactory.getLogger(type);
            ListAppender<ILoggingEvent> logged = new ListAppender<>();
            logged.start();
            logger.addAppender(logged);
            try {
                action.run();
            } finally {
                logger.detachAppender(logged);
            }
            synchronized (logged) {
                return logged.list.stream()
                        .filter(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
                        .map(ILoggingEvent::getFormattedMessage)
                        .toList();
            }
        }

        @Test
        @DisplayName("partial replaces partial: a flaky attempt covering less keeps the stored lower bounds and "
                + "records its backoff")
        void partialCoveringLessKept() {
            source.answering(new SourceCounts(COUNTS, false, 5, 10, "paginated", "page 6 timed out"));
            assertThat(done(cache.refresh("c1"))).isEqualTo(RefreshOutcome.PARTIAL);
            source.answering(new SourceCounts(Map.of("node-a", 3), false, 1, 3, "paginated", "page 2 timed out"));

            assertThat(done(cache.refresh("c1"))).isEqualTo(RefreshOutcome.PARTIAL);

            PodCountView view = cache.read("c1");
            assertThat(view.state()).isEqualTo(FreshnessState.PARTIAL);
            assertThat(view.countFor("node-b")).isEqualTo(7);
            assertThat(view.generation()).isEqualTo(1);
            PodCountSnapshot stored = store.read("c1").orElseThrow();
            assertThat(stored.pages()).isEqualTo(5);
            assertThat(stored.failures()).isEqualTo(2);
            assertThat(stored.nextAttempt()).isAfter(clock.instant());
        }

        @Test
        @DisplayName("a LIST longer than fresh-for runs back to back forever: no list starts sooner than fresh-for "
                + "after the previous one ended, the re-check under the lock skips too, and a WARN gives both durations")
        void listLongerThanFreshFor() {
            Duration listTakes = settings.freshFor().plusMinutes(1);
            source.answer(cluster -> {
                clock.advance(listTakes);
                return CountingSource.complete(COUNTS);
            });
            List<String> warned = warnings(RefreshingPodCountCache.class,
                    () -> assertThat(done(cache.refresh("c1"))).isEqualTo(RefreshOutcome.COMPLETE));
            assertThat(warned).anySatisfy(message -> assertThat(message)
                    .contains("c1").contains("took 360 s").contains("fresh-for (300 s)"));
            source.hold();

            PodCountView stale = cache.read("c1");

            assertThat(stale.state()).isEqualTo(FreshnessState.STALE);
            assertThat(stale.fetchedAt()).isEqualTo(clock.instant().minus(listTakes));
            assertThat(cache.refreshesInFlight()).as("no list starts right after the previous one ended").isZero();
            source.open();
            assertThat(done(cache.warmUp(List.of("c1")))).containsExactly(Map.entry("c1", RefreshOutcome.SKIPPED_RECENT));
            assertThat(source.calls()).isEqualTo(1);

            clock.advance(settings.freshFor().minusSeconds(1));
            cache.read("c1");
            assertThat(cache.refreshesInFlight()).isZero();
            source.hold();
            clock.advance(Duration.ofSeconds(1));
            cache.read("c1");
            await().atMost(WAIT).until(() -> source.entered() == 2);
            source.open();
            awaitIdle();
            assertThat(source.calls()).isEqualTo(2);
        }

        @Test
        @DisplayName("list spacing: the list end is stored with the snapshot, an admin refresh and an invalidation "
                + "override the spacing")
        void spacingOverridden() {
            Duration listTakes = Duration.ofSeconds(20);
            source.answer(cluster -> {
                clock.advance(listTakes);
                return CountingSource.complete(COUNTS);
            });
            Instant started = clock.instant();
            done(cache.refresh("c1"));
            PodCountSnapshot stored = store.read("c1").orElseThrow();
            assertThat(stored.fetchedAt()).isEqualTo(started);
            assertThat(stored.endedAt()).isEqualTo(started.plus(listTakes));

            clock.advance(Duration.ofSeconds(1));
            assertThat(done(cache.refresh("c1"))).isEqualTo(RefreshOutcome.COMPLETE);
            cache.invalidate("c1");
            cache.read("c1");
            await().atMost(WAIT).until(() -> source.calls() == 3);
            awaitIdle();
        }

        @Test
        @DisplayName("a finished LIST is thrown away on one failed write: the write is retried, the count kept and "
                + "the retry counted")
        void writeRetried() {
            store.failWrites(1);

            assertThat(done(cache.refresh("c1"))).isEqualTo(RefreshOutcome.COMPLETE);

            assertThat(source.calls()).isEqualTo(1);
            assertThat(store.writeAttempts()).isEqualTo(2);
            assertThat(cache.read("c1").counts()).isEqualTo(COUNTS);
            assertThat(registry.get("podtally.podcounts.write.retries").tags("cluster", "c1").counter().count())
                    .isEqualTo(1);
        }

        @Test
        @DisplayName("a write that fails on every attempt ends write-failed: logged once, counted, the backoff "
                + "recorded, the attempts bounded")
        void writeFailsForGood() {
            replaceCache(settings.toBuilder().writeAttempts(3).writeRetryDelay(Duration.ofMillis(20)).build());
            store.failWrites(Integer.MAX_VALUE);

            List<String> warned = warnings(RefreshingPodCountCache.class,
                    () -> assertThat(done(cache.refresh("c1"))).isEqualTo(RefreshOutcome.WRITE_FAILED));

            assertThat(store.writeAttempts()).isEqualTo(3);
            assertThat(warned).filteredOn(message -> message.contains("not written")).hasSize(1);
            assertThat(registry.get("podtally.podcounts.write.retries").tags("cluster", "c1").counter().count())
                    .isEqualTo(2);
            assertThat(registry.get("podtally.podcounts.refresh").tags("cluster", "c1", "outcome", "write-failed")
                    .timer().count()).isEqualTo(1);
            PodCountSnapshot backoff = store.read("c1").orElseThrow();
            assertThat(backoff.hasCounts()).isFalse();
            assertThat(backoff.failures()).isEqualTo(1);
            assertThat(backoff.nextAttempt()).isAfter(clock.instant());
        }

        @Test
        @DisplayName("write retries never go past the refresh deadline")
        void writeRetriesWithinDeadline() {
            replaceCache(settings.toBuilder()
                    .writeAttempts(50)
                    .writeRetryDelay(Duration.ofMillis(100))
                    .refreshDeadline(Duration.ofMillis(500))
                    .build());
            store.failWrites(Integer.MAX_VALUE);
            long started = System.nanoTime();

            assertThat(done(cache.refresh("c1"))).isEqualTo(RefreshOutcome.WRITE_FAILED);

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
            assertThat(store.writeAttempts()).isBetween(2, 5);
        }
    }

    @Nested
    @DisplayName("events and invalidation")
    class Events {

        @Test
        @DisplayName("each write and each invalidation is published to listeners")
        void published() {
            done(cache.refresh("c1"));
            cache.invalidate("c1");

            assertThat(received).containsExactly(
                    new PodCountEvent("c1", 1, PodCountEvent.Reason.WRITE),
                    new PodCountEvent("c1", 0, PodCountEvent.Reason.INVALIDATE));
        }

        @Test
        @DisplayName("after invalidate the cluster reads loading, and a refresh starts")
        void invalidateLoads() {
            done(cache.refresh("c1"));
            source.hold();

            cache.invalidate("c1");
            PodCountView view = cache.read("c1");

            assertThat(view.state()).isEqualTo(FreshnessState.LOADING);
            assertThat(view.counts()).isNull();
            source.open();
            awaitState("c1", FreshnessState.FRESH);
        }
    }

    @Test
    @DisplayName("metrics: reads by state, refresh outcome and time, partial results, lock, store errors")
    void metrics() {
        done(cache.refresh("c1"));
        cache.read("c1");
        source.answering(CountingSource.partial(Map.of("node-a", 1)));
        done(cache.refresh("c2"));
        store.down(true);
        cache.read("c1");

        assertThat(registry.get("podtally.podcounts.reads").tags("cluster", "c1", "state", "fresh").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("podtally.podcounts.reads").tags("cluster", "c1", "state", "unavailable")
                .counter().count()).isEqualTo(1);
        assertThat(registry.get("podtally.podcounts.refresh").tags("cluster", "c1", "outcome", "complete")
                .timer().count()).isEqualTo(1);
        assertThat(registry.get("podtally.podcounts.refresh").tags("cluster", "c2", "outcome", "partial")
                .timer().count()).isEqualTo(1);
        assertThat(registry.get("podtally.podcounts.partial").tags("cluster", "c2").counter().count()).isEqualTo(1);
        assertThat(registry.get("podtally.podcounts.lock").tags("cluster", "c1", "acquired", "true")
                .counter().count()).isEqualTo(1);
        assertThat(registry.get("podtally.podcounts.store.errors").tags("operation", "read").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("podtally.podcounts.refresh.active").gauge().value()).isZero();
    }

    @Nested
    @DisplayName("the last failure and the age of the counts")
    class Signals {

        @Test
        @DisplayName("a failed refresh records its category and time with the snapshot, a partial one its own "
                + "category, and the next complete refresh clears it")
        void lastFailureRecordedAndCleared() {
            done(cache.refresh("c1"));
            clock.advance(Duration.ofSeconds(10));
            source.failing("connection refused");

            assertThat(done(cache.refresh("c1"))).isEqualTo(RefreshOutcome.FAILED);

            PodCountView failed = cache.read("c1");
            assertThat(failed.counts()).isEqualTo(COUNTS);
            assertThat(failed.lastFailure()).isEqualTo(new LastFailure("error", clock.instant()));

            clock.advance(Duration.ofSeconds(10));
            source.answering(new SourceCounts(COUNTS, false, 2, 10, "paginated", "page 3 failed: HTTP 403", null,
                    "forbidden"));
            assertThat(done(cache.refresh("c1"))).isEqualTo(RefreshOutcome.PARTIAL);
            assertThat(cache.read("c1").lastFailure()).isEqualTo(new LastFailure("forbidden", clock.instant()));

            source.answering(CountingSource.complete(COUNTS));
            assertThat(done(cache.refresh("c1"))).isEqualTo(RefreshOutcome.COMPLETE);
            assertThat(cache.read("c1").lastFailure()).isNull();
        }

        @Test
        @DisplayName("a cluster whose first refresh failed reads loading with the failure")
        void loadingWithFailure() {
            source.failing("no route to host");

            assertThat(done(cache.refresh("c1"))).isEqualTo(RefreshOutcome.FAILED);

            PodCountView view = cache.peek("c1");
            assertThat(view.state()).isEqualTo(FreshnessState.LOADING);
            assertThat(view.lastFailure()).isEqualTo(new LastFailure("error", clock.instant()));
        }

        @Test
        @DisplayName("invalidate-all deletes each cluster's counts, keeps those whose key the store refuses, publishes "
                + "each invalidation and refreshes the deleted ones staggered across the warm-up spread")
        void invalidateAll() throws Exception {
            for (String cluster : List.of("c1", "c2", "c3")) {
                done(cache.refresh(cluster));
            }
            store.refuseKey("c2");
            received.clear();

            PodCountCache.InvalidateAll result = cache.invalidateAll(List.of("c1", "c2", "c3"));

            assertThat(result.invalidated()).containsExactly("c1", "c3");
            assertThat(result.refused()).containsExactly("c2");
            assertThat(result.refreshed()).containsExactly("c1", "c3");
            assertThat(result.spread()).isEqualTo(settings.warmUpSpread());
            assertThat(received).filteredOn(e -> e.reason() == PodCountEvent.Reason.INVALIDATE)
                    .extracting(PodCountEvent::cluster).containsExactly("c1", "c3");
            assertThat(result.outcomes().get(5, TimeUnit.SECONDS))
                    .containsExactly(Map.entry("c1", RefreshOutcome.COMPLETE), Map.entry("c3", RefreshOutcome.COMPLETE));
            assertThat(source.calls()).isEqualTo(5);
            assertThat(cache.read("c2").generation()).isEqualTo(1);
            assertThat(cache.read("c1").generation()).isEqualTo(1);
        }

        @Test
        @DisplayName("podtally.podcounts.age is the age of the counts this replica last saw, per cluster")
        void ageGauge() {
            done(cache.refresh("c1"));
            assertThat(registry.get(CacheMetrics.AGE).tag("cluster", "c1").gauge().value()).isZero();

            clock.advance(Duration.ofSeconds(42));

            assertThat(registry.get(CacheMetrics.AGE).tag("cluster", "c1").gauge().value()).isEqualTo(42.0);
            assertThat(registry.find(CacheMetrics.AGE).tag("cluster", "c2").gauge()).isNull();
        }
    }
}
