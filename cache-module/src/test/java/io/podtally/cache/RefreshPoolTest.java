package io.podtally.cache;

import static io.podtally.cache.Futures.done;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.podtally.cache.memory.InMemoryPodCountEvents;
import io.podtally.cache.memory.InMemoryPodCountStore;
import io.podtally.cache.memory.InMemoryRecentClusters;
import io.podtally.cache.memory.LocalRefreshLock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

@DisplayName("The refresh pool: no starvation across clusters, rejections logged once per interval")
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RefreshPoolTest {

    private static final Map<String, Integer> COUNTS = Map.of("node-a", 3);
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final MutableClock clock = MutableClock.atEpochMillis(1_700_000_000_000L);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicLong nanos = new AtomicLong(System.nanoTime());
    private RefreshingPodCountCache cache;

    @AfterEach
    void tearDown() {
        if (cache != null) {
            cache.close();
        }
    }

    private RefreshingPodCountCache newCache(PodCountSource source, PodCountSettings settings) {
        LocalRefreshLock lock = new LocalRefreshLock();
        return new RefreshingPodCountCache(source, new InMemoryPodCountStore(settings, clock, lock),
                new InMemoryRecentClusters(settings.retention(), clock), lock,
                new InMemoryPodCountEvents(), settings, registry, clock, nanos::get);
    }

    private static List<String> warnings(ListAppender<ILoggingEvent> logged) {
        synchronized (logged) {
            return logged.list.stream()
                    .filter(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
                    .map(ILoggingEvent::getFormattedMessage)
                    .toList();
        }
    }

    @Test
    @DisplayName("a flood of reads while every refresh thread is taken logs one warning a minute, in the second minute "
            + "too, and counts every rejection")
    void rejectedRefreshesAreLoggedOncePerIntervalAndCounted() {
        CountingSource source = new CountingSource(COUNTS).hold();
        cache = newCache(source, PodCountSettings.builder().refreshThreads(1).refreshQueue(0).build());
        Logger logger = (Logger) LoggerFactory.getLogger(RefreshingPodCountCache.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try {
            CompletableFuture<RefreshOutcome> running = cache.refresh("busy");
            await().atMost(WAIT).until(() -> source.entered() == 1);

            for (int i = 0; i < 200; i++) {
                assertThat(cache.read("starved").state()).isEqualTo(FreshnessState.LOADING);
            }

            assertThat(warnings(logged)).hasSize(1);
            assertThat(warnings(logged).get(0)).contains("starved");
            assertThat(registry.get("podtally.podcounts.refresh.rejected").tags("cluster", "starved").counter()
                    .count()).isEqualTo(200);

            nanos.addAndGet(Duration.ofSeconds(59).toNanos());
            for (int i = 0; i < 100; i++) {
                cache.read("starved");
            }
            assertThat(warnings(logged)).as("still within the first minute").hasSize(1);

            nanos.addAndGet(Duration.ofSeconds(1).toNanos());
            for (int i = 0; i < 200; i++) {
                cache.read("starved-too");
            }
            assertThat(warnings(logged)).as("one more in the second minute").hasSize(2);
            assertThat(warnings(logged).get(1)).contains("starved-too")
                    .contains("300 skipped since the last such warning");
            assertThat(registry.get("podtally.podcounts.refresh.rejected").tags("cluster", "starved-too").counter()
                    .count()).isEqualTo(200);
            source.open();
            assertThat(done(running)).isEqualTo(RefreshOutcome.COMPLETE);
        } finally {
            logger.detachAppender(logged);
        }
    }

    @Test
    @DisplayName("with the default settings, clusters whose count stalls do not delay the refresh of a healthy one")
    void stalledClustersDoNotDelayHealthyOnes() {
        CountingSource stalled = new CountingSource(COUNTS).hold();
        CountingSource healthy = new CountingSource(COUNTS);
        cache = newCache(cluster -> cluster.startsWith("stalled") ? stalled.count(cluster) : healthy.count(cluster),
                PodCountSettings.defaults());
        try {
            for (int i = 1; i <= 8; i++) {
                cache.refresh("stalled-" + i);
            }
            await().atMost(WAIT).until(() -> stalled.entered() == 8);

            assertThat(cache.refresh("healthy").get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                    .isEqualTo(RefreshOutcome.COMPLETE);
        } catch (Exception e) {
            throw new AssertionError("the healthy cluster's refresh did not end within " + WAIT, e);
        } finally {
            stalled.open();
        }
    }
}
