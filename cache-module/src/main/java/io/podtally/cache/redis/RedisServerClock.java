package io.podtally.cache.redis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;

/**
 * The Redis server's time as this replica reads it: its own clock less the skew {@link RedisClockCheck} last
 * measured (the own clock until a first measurement). Costs no Redis call, so reads stay free of one; the
 * error is half a round trip plus the drift between two checks.
 */
final class RedisServerClock extends Clock {

    private final Clock local;
    private final RedisClockCheck check;

    RedisServerClock(Clock local, RedisClockCheck check) {
        this.local = Objects.requireNonNull(local, "local");
        this.check = Objects.requireNonNull(check, "check");
    }

    @Override
    public Instant instant() {
        Duration skew = check.skew();
        Instant now = local.instant();
        return skew == null ? now : now.minus(skew);
    }

    @Override
    public ZoneId getZone() {
        return local.getZone();
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return zone.equals(local.getZone()) ? this : new RedisServerClock(local.withZone(zone), check);
    }
}
