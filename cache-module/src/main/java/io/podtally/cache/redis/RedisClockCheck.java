package io.podtally.cache.redis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Compares this replica's clock with the Redis server's. The time of record of the pod counts
 * ({@code @fetched_at}, {@code @ended_at}, {@code @next_attempt}, freshness) is the Redis server's, read
 * through {@link RedisServerClock} as the local clock less the skew measured here; the skew itself is a
 * diagnostic. The check runs at once (in the background), every second until Redis first answers it, and then
 * every {@code interval}: it reads Redis
 * {@code TIME} and takes the local time halfway through the round trip. A skew beyond {@code tolerance} is
 * logged (once, and again when it is back within) and shown by {@link #skew()} and the gauge
 * {@code podtally.redis.clock.skew} (seconds, positive when this replica's clock is ahead). A check that
 * cannot reach Redis changes nothing.
 */
public final class RedisClockCheck implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisClockCheck.class);
    /** How soon a check is tried again while none has been answered yet (Redis down or slow at start). */
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);

    private final RedisConnectionFactory redis;
    private final Clock clock;
    private final Duration tolerance;
    private final Duration interval;
    private final ScheduledExecutorService scheduler;
    private volatile Duration skew;
    private volatile Instant measuredAt;
    private volatile boolean beyond;

    /**
     * Starts checking every {@code interval}, the first check at once, in the background.
     *
     * @param registry where the gauge is registered
     */
    public RedisClockCheck(RedisConnectionFactory redis, Clock clock, Duration interval, Duration tolerance,
            MeterRegistry registry) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.tolerance = Objects.requireNonNull(tolerance, "tolerance");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, was " + interval);
        }
        Gauge.builder("podtally.redis.clock.skew", this, check -> {
                    Duration measured = check.skew;
                    return measured == null ? Double.NaN : measured.toNanos() / 1e9;
                })
                .description("This replica's clock minus the Redis server's, as last measured")
                .baseUnit("seconds")
                .register(registry);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "podtally-clock-check");
            thread.setDaemon(true);
            return thread;
        });
        this.interval = interval;
        scheduler.execute(this::checkAndReschedule);
    }

    /** One check, then the next one in {@code interval}, or in a second while no check has been answered yet. */
    private void checkAndReschedule() {
        check();
        Duration next = skew == null && FIRST_RETRY.compareTo(interval) < 0 ? FIRST_RETRY : interval;
        try {
            scheduler.schedule(this::checkAndReschedule, next.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("Clock check stopped");
        }
    }

    /** This replica's clock minus the Redis server's, as last measured; {@code null} before the first answer. */
    public Duration skew() {
        return skew;
    }

    /** When the skew was last measured (this replica's clock); {@code null} before the first answer. */
    public Instant measuredAt() {
        return measuredAt;
    }

    /** Whether the last measured skew is beyond the tolerance. */
    public boolean beyondTolerance() {
        return beyond;
    }

    /** Measures the skew now; never throws. */
    public void check() {
        try (RedisConnection connection = redis.getConnection()) {
            long sent = clock.millis();
            Long server = connection.serverCommands().time(TimeUnit.MILLISECONDS);
            long received = clock.millis();
            if (server == null) {
                return;
            }
            Duration measured = Duration.ofMillis(sent + (received - sent) / 2 - server);
            skew = measured;
            measuredAt = Instant.ofEpochMilli(received);
            boolean now = measured.abs().compareTo(tolerance) > 0;
            if (now && !beyond) {
                log.warn("This replica's clock is {} ms {} the Redis server's (tolerance {} ms). Pod counts are timed "
                        + "by the Redis server's clock, corrected by this skew, so they are unaffected; other "
                        + "timestamps of this replica (logs, node ages) are off by that much. Synchronize the clocks "
                        + "(NTP).", measured.abs().toMillis(), measured.isNegative() ? "behind" : "ahead of",
                        tolerance.toMillis());
            } else if (!now && beyond) {
                log.info("This replica's clock is within {} ms of the Redis server's again ({} ms)", tolerance.toMillis(),
                        measured.toMillis());
            }
            beyond = now;
        } catch (DataAccessException | IllegalStateException e) {
            log.debug("Clock check against Redis failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
