package io.podtally.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.podtally.cache.CountingSource;
import io.podtally.cache.PodCountSettings;
import io.podtally.cache.PodCountSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

@DisplayName("RedisBackend: the Redis clients started and stopped")
@Timeout(60)
class RedisBackendIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final PodCountSettings SETTINGS = PodCountSettings.defaults();
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static PodCountSnapshot snapshot() {
        Instant now = Clock.systemUTC().instant();
        return PodCountSnapshot.of(CountingSource.complete(Map.of("node-a", 2)), now, now, SETTINGS, null, 0);
    }

    @Test
    @DisplayName("on a Redis that answers: the store works, the events are subscribed, the clock is measured")
    void answering() {
        try (RedisBackend backend = RedisBackend.start(RedisTestSupport.settings(REDIS.port()), SETTINGS,
                Clock.systemUTC(), new SimpleMeterRegistry())) {
            assertThat(backend.kind()).isEqualTo("redis");
            assertThat(backend.problem()).isNull();
            assertThat(backend.store().write("backend-c1", snapshot()).accepted()).isTrue();
            assertThat(backend.store().read("backend-c1")).isPresent();
            assertThat(backend.lock().tryLock("backend-c1")).isPresent().get().satisfies(held -> held.close());
            await().atMost(WAIT).until(backend::eventsSubscribed);
            await().atMost(WAIT).until(() -> backend.clockSkew() != null);
            assertThat(backend.clockSkewed()).isFalse();
        }
    }

    @Test
    @DisplayName("close stops the clients: every connection they opened to the server is closed")
    void closeStopsClients() {
        LettuceConnectionFactory observer = RedisTestSupport.lettuce(REDIS.port());
        try (RedisConnection connection = observer.getConnection()) {
            Set<String> before = Set.copyOf(clientIds(connection));
            RedisBackend backend = RedisBackend.start(RedisTestSupport.settings(REDIS.port()), SETTINGS,
                    Clock.systemUTC(), new SimpleMeterRegistry());
            try {
                assertThat(backend.store().write("backend-c2", snapshot()).accepted()).isTrue();
                assertThat(backend.lock().tryLock("backend-c2")).isPresent().get().satisfies(held -> held.close());
                await().atMost(WAIT).until(backend::eventsSubscribed);
                assertThat(clientIds(connection)).as("connections of the started clients")
                        .anyMatch(id -> !before.contains(id));
            } finally {
                backend.close();
            }

            await().atMost(WAIT).untilAsserted(() -> assertThat(clientIds(connection))
                    .as("connections opened by the backend, after close").allMatch(before::contains));
        } finally {
            observer.destroy();
        }
    }

    private static List<String> clientIds(RedisConnection connection) {
        return connection.serverCommands().getClientList().stream().map(info -> info.get("id")).toList();
    }

    @Test
    @DisplayName("startIfAnswering on a port where nothing listens starts nothing and says why")
    void notAnswering() {
        AtomicReference<String> why = new AtomicReference<>();

        Optional<RedisBackend> backend = RedisBackend.startIfAnswering(
                RedisTestSupport.settings(RedisTestSupport.closedPort()), SETTINGS, Clock.systemUTC(),
                new SimpleMeterRegistry(), why::set);

        assertThat(backend).isEmpty();
        assertThat(why.get()).isNotBlank();
    }

    @Test
    @DisplayName("start does not wait for Redis: down at first, it reports the problem and closes cleanly")
    void startsWithoutRedis() {
        try (RedisBackend backend = RedisBackend.start(RedisTestSupport.settings(RedisTestSupport.closedPort()),
                SETTINGS, Clock.systemUTC(), new SimpleMeterRegistry())) {
            assertThat(backend.problem()).isNotBlank();
            assertThat(backend.eventsSubscribed()).isFalse();
        }
    }
}
