package io.podtally.app.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.podtally.cache.PodCountView;

/**
 * Where a response's pod counts stand.
 *
 * @param state {@code fresh}, {@code stale}, {@code expired}, {@code loading}, {@code partial} or {@code unavailable}
 * @param fetchedAt when the counts were fetched (ISO 8601), or {@code null}
 * @param ageSeconds their age, or {@code null}
 * @param complete whether they cover the whole cluster, or {@code null} when nothing is known
 * @param source how they were obtained ({@code paginated}), or {@code null}
 * @param generation the snapshot's generation, 0 when nothing is known
 */
public record PodCountsInfo(
        String state,
        @JsonProperty("fetched_at") String fetchedAt,
        @JsonProperty("age_seconds") Long ageSeconds,
        Boolean complete,
        String source,
        long generation) {

    static PodCountsInfo of(PodCountView view) {
        return new PodCountsInfo(view.state().label(), view.fetchedAt() == null ? null : view.fetchedAt().toString(),
                view.ageSeconds(), view.complete(), view.source(), view.generation());
    }
}
