package io.podtally.cache.redis;

import static io.podtally.cache.Futures.done;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podtally.cache.CountingSource;
import io.podtally.cache.FreshnessState;
import io.podtally.cache.PodCountSettings;
import io.podtally.cache.PodCountView;
import io.podtally.cache.RefreshOutcome;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@DisplayName("Redis killed and restarted")
class RedisDownIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final Logger log = LoggerFactory.getLogger(RedisDownIT.class);
    private static final Map<String, Integer> COUNTS = Map.of("node-a", 3, "node-b", 7);
    private static final Duration PROMPT = Duration.ofSeconds(1);
    private static final Duration RECOVERY = Duration.ofSeconds(20);

    private final CountingSource source = new CountingSource(COUNTS);
    private RedisReplica replica;

    @BeforeEach
    void setUp() {
        if (!REDIS.server().running()) {
            REDIS.server().restart();
        }
        replica = new RedisReplica(REDIS.port(), source, PodCountSettings.defaults());
    }

    @AfterEach
    void tearDown() {
        replica.close();
    }

    private TimedRead timedRead(String cluster) {
        long start = System.nanoTime();
        PodCountView view = replica.cache().read(cluster);
        return new TimedRead(view, Duration.ofNanos(System.nanoTime() - start));
    }

    @Test
    @DisplayName("reads degrade to unavailable at once, keep the last counts, trigger nothing, and recover")
    void killedAndRestarted() {
        assertThat(done(replica.cache().refresh("c1"))).isEqualTo(RefreshOutcome.COMPLETE);
        assertThat(replica.cache().read("c1").state()).isEqualTo(FreshnessState.FRESH);

        REDIS.server().stop();

        Duration[] slowest = {Duration.ZERO};
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    TimedRead known = timedRead("c1");
                    TimedRead unknown = timedRead("c2");
                    slowest[0] = max(slowest[0], max(known.took(), unknown.took()));
                    return known.took().compareTo(PROMPT) < 0
                            && unknown.took().compareTo(PROMPT) < 0
                            && known.view().state() == FreshnessState.UNAVAILABLE
                            && COUNTS.equals(known.view().counts())
                            && unknown.view().state() == FreshnessState.UNAVAILABLE
                            && unknown.view().counts() == null;
                });
        log.info("Slowest read while Redis was down: {} ms", slowest[0].toMillis());
        assertThat(replica.cache().refreshesInFlight()).isZero();
        assertThat(source.calls()).isEqualTo(1);
        assertThat(replica.registry().get("podtally.podcounts.store.errors").tags("operation", "read")
                .counter().count()).isPositive();

        REDIS.server().restart();

        long restarted = System.nanoTime();
        PodCountView fresh = await().atMost(RECOVERY).pollInterval(Duration.ofMillis(100))
                .until(() -> replica.cache().read("c1"), view -> view.state() == FreshnessState.FRESH);
        log.info("Fresh again {} ms after the restart", (System.nanoTime() - restarted) / 1_000_000);
        assertThat(fresh.counts()).isEqualTo(COUNTS);
        assertThat(fresh.generation()).as("the restarted Redis was empty").isEqualTo(1);
        assertThat(source.calls()).isEqualTo(2);
        await().atMost(RECOVERY).until(() -> replica.cache().refreshesInFlight() == 0);
        assertThat(done(replica.cache().refresh("c1"))).isEqualTo(RefreshOutcome.COMPLETE);
    }

    @Test
    @DisplayName("a refresh under way when Redis dies ends without a stuck lock or single-flight entry")
    void killedDuringRefresh() {
        source.hold();
        CompletableFuture<RefreshOutcome> refresh = replica.cache().refresh("c3");
        await().atMost(RECOVERY).until(() -> source.entered() == 1);

        REDIS.server().stop();
        source.open();

        // Nothing can be written either way: the write is retried and given up, or the lock check between the count
        // and the write already finds the lock gone (the client may see the dead server as a lost lock first).
        assertThat(refresh.orTimeout(20, TimeUnit.SECONDS).join()).as("retried, then given up, or the lock lost")
                .isIn(RefreshOutcome.WRITE_FAILED, RefreshOutcome.LOCK_LOST);
        assertThat(replica.cache().refreshesInFlight()).isZero();

        REDIS.server().restart();
        await().atMost(RECOVERY).pollInterval(Duration.ofMillis(100))
                .until(() -> replica.cache().read("c3").state() == FreshnessState.FRESH);
        assertThat(done(replica.cache().refresh("c3"))).isEqualTo(RefreshOutcome.COMPLETE);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private record TimedRead(PodCountView view, Duration took) {}
}
