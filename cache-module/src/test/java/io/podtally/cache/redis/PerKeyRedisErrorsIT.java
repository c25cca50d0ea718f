package io.podtally.cache.redis;

import static io.podtally.cache.Futures.done;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.podtally.cache.CountingSource;
import io.podtally.cache.FreshnessState;
import io.podtally.cache.PodCountSettings;
import io.podtally.cache.PodCountView;
import io.podtally.cache.RefreshOutcome;
import io.podtally.cache.RefreshingPodCountCache;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

@DisplayName("A per-key Redis error is that cluster's problem; only an outage opens the circuit breaker")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PerKeyRedisErrorsIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final Map<String, Integer> COUNTS = Map.of("node-a", 3, "node-b", 7);
    /** Long enough that a read right after a failure tells whether the breaker opened. */
    private static final PodCountSettings SETTINGS = PodCountSettings.builder()
            .circuitOpenFor(Duration.ofSeconds(30))
            .build();

    private final CountingSource source = new CountingSource(COUNTS);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private RedisBackend backend;
    private RefreshingPodCountCache cache;

    @BeforeEach
    void setUp() {
        if (!REDIS.server().running()) {
            REDIS.server().restart();
        }
        REDIS.server().cli("CONFIG", "SET", "maxmemory", "0");
        REDIS.server().cli("FLUSHALL");
    }

    @AfterEach
    void tearDown() {
        if (cache != null) {
            cache.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    private void start(RedisConnectionSettings settings) {
        backend = RedisBackend.start(settings, SETTINGS, Clock.systemUTC(), registry);
        cache = new RefreshingPodCountCache(source, backend.store(), backend.recentClusters(), backend.lock(),
                backend.events(), SETTINGS, registry, Clock.systemUTC());
    }

    private double storeErrors(String kind) {
        return registry.find("podtally.podcounts.store.errors").tags("kind", kind).counters().stream()
                .mapToDouble(counter -> counter.count())
                .sum();
    }

    @Test
    @DisplayName("WRONGTYPE on cluster a's key: a reads unavailable, b stays fresh and refreshes, logged once")
    void wrongTypeOnOneClusterKeyLeavesOthersServed() {
        start(RedisTestSupport.settings(REDIS.port()));
        assertThat(done(cache.refresh("b"))).isEqualTo(RefreshOutcome.COMPLETE);
        REDIS.server().cli("SET", RedisPodCountStore.key("a"), "x");
        Logger logger = (Logger) LoggerFactory.getLogger("io.podtally.cache");
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try {
            for (int i = 0; i < 5; i++) {
                assertThat(cache.read("a").state()).isEqualTo(FreshnessState.UNAVAILABLE);
                PodCountView b = cache.read("b");
                assertThat(b.state()).isEqualTo(FreshnessState.FRESH);
                assertThat(b.counts()).isEqualTo(COUNTS);
            }
            assertThat(done(cache.refresh("b"))).isEqualTo(RefreshOutcome.COMPLETE);
            assertThat(storeErrors("wrongtype")).isGreaterThanOrEqualTo(5);
            assertThat(storeErrors("unavailable")).isZero();
            List<String> warnings;
            synchronized (logged) {
                warnings = logged.list.stream()
                        .filter(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
                        .map(ILoggingEvent::getFormattedMessage)
                        .toList();
            }
            assertThat(warnings).hasSize(1);
            assertThat(warnings.get(0)).contains("podtally:{a}:podcounts").contains("wrongtype");
        } finally {
            logger.detachAppender(logged);
        }

        cache.invalidate("a");
        assertThat(done(cache.refresh("a"))).isEqualTo(RefreshOutcome.COMPLETE);
        assertThat(cache.read("a").state()).isEqualTo(FreshnessState.FRESH);
    }

    @Test
    @DisplayName("NOPERM on cluster a's keys (an ACL user without them): a reads unavailable, b stays fresh")
    void noPermOnOneClusterKeyLeavesOthersServed() {
        REDIS.server().cli("ACL", "SETUSER", "limited", "on", ">limited-secret", "resetkeys",
                "~podtally:{b}:*", "~podtally:recent-clusters", "~redisson*", "resetchannels", "&*", "+@all");
        RedisConnectionSettings base = RedisTestSupport.settings(REDIS.port());
        start(new RedisConnectionSettings(base.host(), base.port(), "limited", "limited-secret", 0, false,
                base.timeout(), null, List.of(), List.of(), base.lockWatchdogTimeout()));

        assertThat(done(cache.refresh("b"))).isEqualTo(RefreshOutcome.COMPLETE);
        for (int i = 0; i < 3; i++) {
            assertThat(cache.read("a").state()).isEqualTo(FreshnessState.UNAVAILABLE);
            assertThat(cache.read("b").state()).isEqualTo(FreshnessState.FRESH);
        }
        assertThat(done(cache.refresh("b"))).isEqualTo(RefreshOutcome.COMPLETE);
        assertThat(storeErrors("noperm")).isPositive();
        assertThat(storeErrors("unavailable")).isZero();
    }

    @Test
    @DisplayName("OOM (Redis at maxmemory refuses writes): the refresh is skipped as that cluster's problem, the "
            + "stored counts stay served, no outage")
    void outOfMemoryIsNoOutage() {
        start(RedisTestSupport.settings(REDIS.port()));
        assertThat(done(cache.refresh("b"))).isEqualTo(RefreshOutcome.COMPLETE);
        REDIS.server().cli("CONFIG", "SET", "maxmemory", "1");
        try {
            assertThat(done(cache.refresh("a"))).isEqualTo(RefreshOutcome.SKIPPED_UNAVAILABLE);

            PodCountView b = cache.read("b");
            assertThat(b.state()).as("the breaker stays closed").isEqualTo(FreshnessState.FRESH);
            assertThat(b.counts()).isEqualTo(COUNTS);
            assertThat(storeErrors("oom")).isPositive();
            assertThat(storeErrors("unavailable")).isZero();
        } finally {
            REDIS.server().cli("CONFIG", "SET", "maxmemory", "0");
        }
        assertThat(done(cache.refresh("a"))).isEqualTo(RefreshOutcome.COMPLETE);
    }

    @Test
    @DisplayName("a malformed hash reads as absent (loading) and is no outage")
    void malformedHashIsNoOutage() {
        start(RedisTestSupport.settings(REDIS.port()));
        assertThat(done(cache.refresh("b"))).isEqualTo(RefreshOutcome.COMPLETE);
        REDIS.server().cli("HSET", RedisPodCountStore.key("a"), "node-a", "many", "@fetched_at", "1");

        assertThat(cache.peek("a").state()).isEqualTo(FreshnessState.LOADING);
        assertThat(cache.read("b").state()).isEqualTo(FreshnessState.FRESH);
        assertThat(registry.find("podtally.podcounts.store.errors").counters()).isEmpty();
    }

    @Test
    @DisplayName("Redis stopped still opens the breaker: reads answer unavailable until it closes")
    void redisStoppedStillOpensTheBreaker() {
        start(RedisTestSupport.settings(REDIS.port()));
        assertThat(done(cache.refresh("b"))).isEqualTo(RefreshOutcome.COMPLETE);

        REDIS.server().stop();
        assertThat(cache.read("b").state()).isEqualTo(FreshnessState.UNAVAILABLE);
        REDIS.server().restart();

        assertThat(cache.read("b").state()).as("the breaker is open for 30 s").isEqualTo(FreshnessState.UNAVAILABLE);
        assertThat(storeErrors("unavailable")).isPositive();
    }
}
