package io.podtally.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podtally.cache.CountingSource;
import io.podtally.cache.FreshnessState;
import io.podtally.cache.PodCountSettings;
import io.podtally.cache.PodCountView;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("A hand-edited or corrupt pod-count hash")
class MalformedHashIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final AtomicInteger CLUSTERS = new AtomicInteger();
    private static final Map<String, Integer> COUNTS = Map.of("node-a", 3, "node-b", 7);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final CountingSource source = new CountingSource(COUNTS);
    private RedisReplica replica;
    private String cluster;

    @BeforeEach
    void setUp() {
        cluster = "broken-" + CLUSTERS.incrementAndGet();
        replica = new RedisReplica(REDIS.port(), source, PodCountSettings.defaults());
    }

    @AfterEach
    void tearDown() {
        replica.close();
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
        "node-b, seven",
        "node-b, -2",
        "@fetched_at, yesterday",
        "@generation, 1.5",
        "@pods, 12e3",
    })
    @DisplayName("reads as loading on a replica that reads it, and the refresh it starts writes fresh counts again")
    void readsAsLoadingUntilRewritten(String field, String value) {
        await().atMost(WAIT).until(() -> replica.cache().read(cluster).state() == FreshnessState.FRESH);
        String key = RedisPodCountStore.key(cluster);
        int calls = source.calls();
        REDIS.server().cli("HSET", key, field, value);

        try (RedisReplica reader = new RedisReplica(REDIS.port(), source, PodCountSettings.defaults())) {
            PodCountView corrupt = reader.cache().read(cluster);
            assertThat(corrupt.state()).isEqualTo(FreshnessState.LOADING);
            assertThat(corrupt.counts()).isNull();

            await().atMost(WAIT).untilAsserted(() -> {
                PodCountView view = reader.cache().read(cluster);
                assertThat(view.state()).isEqualTo(FreshnessState.FRESH);
                assertThat(view.counts()).isEqualTo(COUNTS);
            });
        }
        assertThat(source.calls()).isGreaterThan(calls);
        assertThat(REDIS.server().cli("HGET", key, field)).isNotEqualTo(value);
    }

    @ParameterizedTest(name = "without {0}")
    @CsvSource({"@fresh_until", "@stale_until"})
    @DisplayName("missing a limit, reads as loading and is rewritten")
    void missingLimit(String field) {
        await().atMost(WAIT).until(() -> replica.cache().read(cluster).state() == FreshnessState.FRESH);
        REDIS.server().cli("HDEL", RedisPodCountStore.key(cluster), field);

        assertThat(replica.cache().read(cluster).state()).isEqualTo(FreshnessState.LOADING);
        await().atMost(WAIT).until(() -> replica.cache().read(cluster).state() == FreshnessState.FRESH);
    }
}
