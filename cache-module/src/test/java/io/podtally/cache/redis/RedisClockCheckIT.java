package io.podtally.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

@DisplayName("The replica's clock against the Redis server's")
class RedisClockCheckIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final Duration INTERVAL = Duration.ofMinutes(10);
    private static final Duration TOLERANCE = Duration.ofSeconds(2);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private LettuceConnectionFactory lettuce;

    @BeforeEach
    void setUp() {
        if (!REDIS.server().running()) {
            REDIS.server().restart();
        }
        lettuce = RedisTestSupport.lettuce(REDIS.port());
    }

    @AfterEach
    void tearDown() {
        lettuce.destroy();
    }

    private double gauge() {
        return registry.get("podtally.redis.clock.skew").gauge().value();
    }

    @Test
    @DisplayName("a clock in sync with the server's measures within the tolerance")
    void inSync() {
        try (RedisClockCheck check = new RedisClockCheck(lettuce, Clock.systemUTC(), INTERVAL, TOLERANCE, registry)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> check.skew() != null);

            assertThat(check.skew().abs()).isLessThan(Duration.ofSeconds(1));
            assertThat(check.beyondTolerance()).isFalse();
            assertThat(gauge()).isCloseTo(0.0, within(1.0));
        }
    }

    @Test
    @DisplayName("a clock 30 s ahead is measured 30 s ahead, beyond the tolerance, and back within once it is right")
    void ahead() {
        Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(30));
        try (RedisClockCheck check = new RedisClockCheck(lettuce, ahead, INTERVAL, TOLERANCE, registry)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> check.skew() != null);

            assertThat(check.skew().toMillis()).isCloseTo(30_000L, within(1_000L));
            assertThat(check.beyondTolerance()).isTrue();
            assertThat(gauge()).isCloseTo(30.0, within(1.0));
        }
        try (RedisClockCheck check = new RedisClockCheck(lettuce, Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-30)),
                INTERVAL, TOLERANCE, new SimpleMeterRegistry())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> check.skew() != null);
            assertThat(check.skew().toMillis()).isCloseTo(-30_000L, within(1_000L));
        }
    }

    @Test
    @DisplayName("started while Redis is down, the check is tried again every second, not only after the interval")
    void firstCheckRetried() {
        REDIS.server().stop();
        try (RedisClockCheck check = new RedisClockCheck(lettuce, Clock.systemUTC(), INTERVAL, TOLERANCE, registry)) {
            assertThat(check.skew()).isNull();
            REDIS.server().restart();

            // the interval is 10 minutes: only the retry can measure it this soon
            await().atMost(Duration.ofSeconds(20)).until(() -> check.skew() != null);
            assertThat(check.skew().abs()).isLessThan(Duration.ofSeconds(1));
        }
    }

    @Test
    @DisplayName("with Redis down a check changes nothing and throws nothing; it measures again once Redis is back")
    void redisDown() {
        try (RedisClockCheck check = new RedisClockCheck(lettuce, Clock.systemUTC(), INTERVAL, TOLERANCE, registry)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> check.skew() != null);
            Duration before = check.skew();
            Instant measured = check.measuredAt();
            REDIS.server().stop();

            check.check();

            assertThat(check.skew()).isEqualTo(before);
            assertThat(check.measuredAt()).isEqualTo(measured);
            REDIS.server().restart();
            Instant restarted = Instant.now();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                check.check();
                assertThat(check.measuredAt()).isAfterOrEqualTo(restarted);
            });
            assertThat(check.skew().abs()).isLessThan(Duration.ofSeconds(1));
        }
    }
}
