package io.podtally.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.podtally.cache.CountingSource;
import io.podtally.cache.MutableClock;
import io.podtally.cache.PodCountSettings;
import io.podtally.cache.RecentClusters;
import io.podtally.cache.RecentClustersContract;
import io.podtally.cache.RefreshOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

@DisplayName("podtally:recent-clusters in Redis")
class RecentClustersIT extends RecentClustersContract {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final String KEY = "podtally:recent-clusters";
    private static final AtomicInteger CLUSTERS = new AtomicInteger();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final PodCountSettings SETTINGS = PodCountSettings.builder()
            .retention(RETENTION)
            .warmUpSpread(Duration.ofMillis(200))
            .askedFlushInterval(Duration.ofMillis(100))
            .build();

    private static LettuceConnectionFactory factory;
    private static StringRedisTemplate template;
    private final MutableClock clock = MutableClock.atEpochMillis(System.currentTimeMillis());
    private RedisRecentClusters store;
    private String prefix;

    @BeforeAll
    static void connect() {
        factory = RedisTestSupport.lettuce(REDIS.port());
        template = new StringRedisTemplate(factory);
    }

    @AfterAll
    static void disconnect() {
        factory.destroy();
    }

    @BeforeEach
    void setUp() {
        if (!REDIS.server().running()) {
            REDIS.server().restart();
        }
        store = new RedisRecentClusters(template, SETTINGS.retention(), clock);
        prefix = "recent-" + CLUSTERS.incrementAndGet() + "-";
    }

    @Override
    protected RecentClusters recentClusters() {
        return store;
    }

    @Override
    protected MutableClock clock() {
        return clock;
    }

    @Override
    protected String cluster(String name) {
        return prefix + name;
    }

    private String score(String cluster) {
        return REDIS.server().cli("ZSCORE", KEY, prefix + cluster);
    }

    private static String millis(Instant instant) {
        return Long.toString(instant.toEpochMilli());
    }

    private static double recordAskedErrors(RedisReplica replica) {
        Counter counter = replica.registry().find("podtally.podcounts.store.errors")
                .tag("operation", "record-asked").counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    @DisplayName("one sorted set: member = cluster, score = epoch ms of the last ask; an older time never replaces "
            + "a newer one (ZADD GT)")
    void greaterWins() {
        Instant now = clock.instant();
        store.recordAsked(Map.of(prefix + "a", now, prefix + "b", now.minusSeconds(30)));

        store.recordAsked(Map.of(prefix + "a", now.minusSeconds(10), prefix + "b", now.minusSeconds(5)));

        assertThat(REDIS.server().cli("TYPE", KEY)).isEqualTo("zset");
        assertThat(score("a")).isEqualTo(millis(now));
        assertThat(score("b")).isEqualTo(millis(now.minusSeconds(5)));
        assertThat(store.lastAsked()).containsEntry(prefix + "a", now).containsEntry(prefix + "b", now.minusSeconds(5));
    }

    @Test
    @DisplayName("members older than the retention are removed on the next write and not read meanwhile")
    void pruned() {
        Instant start = clock.instant();
        store.recordAsked(Map.of(prefix + "old", start));
        clock.advance(SETTINGS.retention().plusMillis(1));

        assertThat(store.lastAsked()).doesNotContainKey(prefix + "old");
        assertThat(score("old")).as("still in the set until the next write").isEqualTo(millis(start));

        store.recordAsked(Map.of(prefix + "new", clock.instant()));

        assertThat(score("old")).isEmpty();
        assertThat(score("new")).isEqualTo(millis(clock.instant()));
    }

    @Test
    @DisplayName("the key carries the retention as its expiry, renewed by every write")
    void expiry() {
        store.recordAsked(Map.of(prefix + "a", clock.instant()));
        REDIS.server().cli("PEXPIRE", KEY, "60000");

        store.recordAsked(Map.of(prefix + "b", clock.instant()));

        long ttl = Long.parseLong(REDIS.server().cli("PTTL", KEY));
        assertThat(ttl).isBetween(SETTINGS.retention().toMillis() - 60_000, SETTINGS.retention().toMillis());
    }

    @Test
    @DisplayName("two replicas share the times: what one was asked for orders the other's warm-up")
    void sharedBetweenReplicas() {
        String older = prefix + "older";
        String newer = prefix + "newer";
        String never = prefix + "never";
        CountingSource source = new CountingSource(Map.of("node-a", 1));
        try (RedisReplica asked = new RedisReplica(REDIS.port(), source, SETTINGS);
                RedisReplica starting = new RedisReplica(REDIS.port(), source, SETTINGS)) {
            asked.cache().read(older);
            await().atMost(WAIT).until(() -> !score("older").isEmpty());
            asked.cache().read(newer);
            await().atMost(WAIT).until(() -> !score("newer").isEmpty());
            assertThat(Long.parseLong(score("newer"))).isGreaterThan(Long.parseLong(score("older")));
            await().atMost(WAIT).until(() -> asked.cache().refreshesInFlight() == 0);
            template.delete(List.of(RedisPodCountStore.key(older), RedisPodCountStore.key(newer)));

            Map<String, RefreshOutcome> outcomes = starting.cache().warmUp(List.of(never, older, newer))
                    .orTimeout(10, TimeUnit.SECONDS).join();

            assertThat(outcomes.keySet()).containsExactly(newer, older, never);
            assertThat(outcomes.values()).containsOnly(RefreshOutcome.COMPLETE);
        }
    }

    @Test
    @DisplayName("a flush while Redis is down is retried, and the times reach the restarted Redis")
    void flushSurvivesRestart() {
        CountingSource source = new CountingSource(Map.of("node-a", 1));
        try (RedisReplica replica = new RedisReplica(REDIS.port(), source, SETTINGS)) {
            REDIS.server().stop();

            replica.cache().read(prefix + "during-outage");
            await().atMost(WAIT).until(() -> recordAskedErrors(replica) >= 2);

            REDIS.server().restart();

            await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> !score("during-outage").isEmpty());
            assertThat(REDIS.server().cli("TYPE", KEY)).isEqualTo("zset");
        }
    }
}
