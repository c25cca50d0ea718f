package io.podtally.cache;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Decides the freshness state of a snapshot and whether a read should start a refresh. Pure: the
 * only input besides the snapshot is the clock.
 */
public final class FreshnessPolicy {

    private final PodCountSettings settings;
    private final Clock clock;

    public FreshnessPolicy(PodCountSettings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The state of {@code snapshot} now: {@code loading} without counts, {@code partial} when
     * incomplete whatever its age, otherwise {@code fresh}, {@code stale} or {@code expired} by the
     * age of {@code fetchedAt}.
     *
     * @param snapshot the stored snapshot, or {@code null} when nothing is stored
     */
    public FreshnessState stateOf(PodCountSnapshot snapshot) {
        if (snapshot == null || !snapshot.hasCounts()) {
            return FreshnessState.LOADING;
        }
        if (!snapshot.complete()) {
            return FreshnessState.PARTIAL;
        }
        Duration age = ageOf(snapshot);
        if (age.compareTo(settings.freshFor()) < 0) {
            return FreshnessState.FRESH;
        }
        if (age.compareTo(settings.staleFor()) < 0) {
            return FreshnessState.STALE;
        }
        return FreshnessState.EXPIRED;
    }

    /**
     * Whether a read in {@code state} should start a refresh: in any state but {@code fresh} and
     * {@code unavailable}, once the snapshot's {@code nextAttempt} (if any) has passed and its list ended at
     * least fresh-for ago.
     */
    public boolean refreshDue(PodCountSnapshot snapshot, FreshnessState state) {
        if (state == FreshnessState.FRESH || state == FreshnessState.UNAVAILABLE) {
            return false;
        }
        return !inBackoff(snapshot) && !listedRecently(snapshot);
    }

    /**
     * Whether the snapshot's list ended less than fresh-for ago: no list of the cluster starts before then, however
     * old its counts are (a list that takes longer than fresh-for is not followed by the next at once).
     */
    public boolean listedRecently(PodCountSnapshot snapshot) {
        return snapshot != null
                && snapshot.endedAt() != null
                && clock.instant().isBefore(snapshot.endedAt().plus(settings.freshFor()));
    }

    /** Whether the snapshot's {@code nextAttempt} is still in the future. */
    public boolean inBackoff(PodCountSnapshot snapshot) {
        return snapshot != null
                && snapshot.nextAttempt() != null
                && clock.instant().isBefore(snapshot.nextAttempt());
    }

    /** The age of the snapshot's counts now, never negative. */
    public Duration ageOf(PodCountSnapshot snapshot) {
        Duration age = Duration.between(snapshot.fetchedAt(), clock.instant());
        return age.isNegative() ? Duration.ZERO : age;
    }

    /** The next attempt after the {@code failures}-th consecutive failed or partial refresh. */
    public Instant nextAttemptAfter(int failures) {
        return clock.instant().plus(settings.backoffAfter(failures));
    }

    /**
     * The next attempt after the {@code failures}-th consecutive failed or partial refresh whose list ended at
     * {@code endedAt}: the backoff, and no sooner than fresh-for after that end.
     */
    public Instant nextAttemptAfter(int failures, Instant endedAt) {
        Instant backoff = nextAttemptAfter(failures);
        Instant spaced = endedAt.plus(settings.freshFor());
        return spaced.isAfter(backoff) ? spaced : backoff;
    }
}
