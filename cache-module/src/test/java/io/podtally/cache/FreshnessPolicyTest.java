package io.podtally.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("FreshnessPolicy")
class FreshnessPolicyTest {

    private final PodCountSettings settings = PodCountSettings.defaults();
    private final MutableClock clock = MutableClock.atEpochMillis(1_700_000_000_000L);
    private final FreshnessPolicy policy = new FreshnessPolicy(settings, clock);
    private final Instant t0 = clock.instant();

    private PodCountSnapshot complete(Instant nextAttempt) {
        return PodCountSnapshot.of(CountingSource.complete(Map.of("n", 1)), t0, t0, settings, nextAttempt, 0);
    }

    @Test
    @DisplayName("fresh below fresh-for, stale below stale-for, expired from then on")
    void byAge() {
        PodCountSnapshot snapshot = complete(null);

        assertThat(policy.stateOf(snapshot)).isEqualTo(FreshnessState.FRESH);
        clock.advance(settings.freshFor().minusMillis(1));
        assertThat(policy.stateOf(snapshot)).isEqualTo(FreshnessState.FRESH);
        clock.advance(Duration.ofMillis(1));
        assertThat(policy.stateOf(snapshot)).isEqualTo(FreshnessState.STALE);
        clock.advance(settings.staleFor().minus(settings.freshFor()).minusMillis(1));
        assertThat(policy.stateOf(snapshot)).isEqualTo(FreshnessState.STALE);
        clock.advance(Duration.ofMillis(1));
        assertThat(policy.stateOf(snapshot)).isEqualTo(FreshnessState.EXPIRED);
    }

    @Test
    @DisplayName("loading without a snapshot or without counts; partial whatever the age")
    void loadingAndPartial() {
        PodCountSnapshot backoffOnly =
                new PodCountSnapshot(Map.of(), null, null, null, null, t0.plusSeconds(30), false, null, 0, 0, 0, 1);
        PodCountSnapshot partial =
                PodCountSnapshot.of(CountingSource.partial(Map.of("n", 1)), t0, t0, settings, t0.plusSeconds(30), 1);

        assertThat(policy.stateOf(null)).isEqualTo(FreshnessState.LOADING);
        assertThat(policy.stateOf(backoffOnly)).isEqualTo(FreshnessState.LOADING);
        assertThat(policy.stateOf(partial)).isEqualTo(FreshnessState.PARTIAL);
        clock.advance(Duration.ofHours(1));
        assertThat(policy.stateOf(partial)).isEqualTo(FreshnessState.PARTIAL);
    }

    @Test
    @DisplayName("a refresh is due in every state but fresh and unavailable, once the next attempt has passed")
    void refreshDue() {
        PodCountSnapshot failedRecently = complete(t0.plus(settings.freshFor()).plusSeconds(30));
        clock.advance(settings.freshFor());

        assertThat(policy.refreshDue(null, FreshnessState.LOADING)).isTrue();
        assertThat(policy.refreshDue(complete(null), FreshnessState.STALE)).isTrue();
        assertThat(policy.refreshDue(complete(null), FreshnessState.FRESH)).isFalse();
        assertThat(policy.refreshDue(complete(null), FreshnessState.UNAVAILABLE)).isFalse();
        assertThat(policy.stateOf(failedRecently)).isEqualTo(FreshnessState.STALE);
        assertThat(policy.refreshDue(failedRecently, FreshnessState.STALE)).isFalse();
        clock.advance(Duration.ofSeconds(30));
        assertThat(policy.refreshDue(failedRecently, FreshnessState.STALE)).isTrue();
    }

    @Test
    @DisplayName("backoff doubles from 30 s to at most 5 min")
    void backoff() {
        assertThat(settings.backoffAfter(1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.backoffAfter(2)).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.backoffAfter(4)).isEqualTo(Duration.ofSeconds(240));
        assertThat(settings.backoffAfter(5)).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.backoffAfter(1_000)).isEqualTo(Duration.ofMinutes(5));
        assertThat(policy.nextAttemptAfter(2)).isEqualTo(t0.plusSeconds(60));
    }

    @Test
    @DisplayName("list spacing: no refresh is due until fresh-for after the list ended, whatever the age")
    void listSpacing() {
        Duration listTook = settings.freshFor().plusMinutes(1);
        PodCountSnapshot longList = PodCountSnapshot.of(CountingSource.complete(Map.of("n", 1)), t0,
                t0.plus(listTook), settings, null, 0);
        clock.advance(listTook);

        assertThat(policy.stateOf(longList)).isEqualTo(FreshnessState.STALE);
        assertThat(policy.listedRecently(longList)).isTrue();
        assertThat(policy.refreshDue(longList, FreshnessState.STALE)).isFalse();
        clock.advance(settings.freshFor());
        assertThat(policy.listedRecently(longList)).isFalse();
        assertThat(policy.refreshDue(longList, policy.stateOf(longList))).isTrue();
        assertThat(policy.nextAttemptAfter(1, clock.instant())).isEqualTo(clock.instant().plus(settings.freshFor()));
    }
}
