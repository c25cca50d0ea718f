package io.podtally.app.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.podtally.cache.LastFailure;
import io.podtally.cache.PodCountView;
import io.podtally.k8s.NodeView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Where a response's pod counts stand.
 *
 * @param state {@code fresh}, {@code stale}, {@code expired}, {@code loading}, {@code partial} or {@code unavailable}
 * @param fetchedAt when the counts were fetched (ISO 8601), or {@code null}
 * @param ageSeconds their age, or {@code null}
 * @param complete whether they cover the whole cluster, or {@code null} when nothing is known
 * @param source how they were obtained ({@code paginated}), or {@code null}
 * @param generation the snapshot's generation, 0 when nothing is known
 * @param uncountedNodes how many of the cluster's nodes joined, or were re-created under their name, after the
 *     counting began: their {@code pod_count} is {@code null} until the next refresh; {@code null} when the snapshot
 *     does not say which nodes it counted
 * @param lastFailure why and when the last refresh (or watch list) failed or was partial, recorded with the snapshot
 *     by whichever replica ran it; {@code null} when none since the last complete write
 */
public record PodCountsInfo(
        String state,
        @JsonProperty("fetched_at") String fetchedAt,
        @JsonProperty("age_seconds") Long ageSeconds,
        Boolean complete,
        String source,
        long generation,
        @JsonProperty("uncounted_nodes") Integer uncountedNodes,
        @JsonProperty("last_failure") Failure lastFailure) {

    /** Where {@code view} stands, without the cluster's nodes: {@code uncounted_nodes} is {@code null}. */
    static PodCountsInfo of(PodCountView view) {
        return new PodCountsInfo(view.state().label(), view.fetchedAt() == null ? null : view.fetchedAt().toString(),
                view.ageSeconds(), view.complete(), view.source(), view.generation(), null,
                Failure.of(view.lastFailure()));
    }

    /** Where {@code view} stands for the cluster's {@code nodes}. */
    static PodCountsInfo of(PodCountView view, List<NodeView> nodes) {
        return of(view, nodes, view.ageSeconds());
    }

    /**
     * Where {@code view} stands for the cluster's {@code nodes}, with the counts' age at {@code now} (on the clock the
     * view was read on), for an answer built some time after the read; never younger than at the read.
     */
    static PodCountsInfo of(PodCountView view, List<NodeView> nodes, Instant now) {
        Long age = view.ageSeconds();
        if (view.fetchedAt() != null && age != null) {
            age = Math.max(age, Duration.between(view.fetchedAt(), now).toSeconds());
        }
        return of(view, nodes, age);
    }

    private static PodCountsInfo of(PodCountView view, List<NodeView> nodes, Long ageSeconds) {
        return new PodCountsInfo(view.state().label(), view.fetchedAt() == null ? null : view.fetchedAt().toString(),
                ageSeconds, view.complete(), view.source(), view.generation(),
                view.uncounted(nodes.stream().map(NodeView::uid).toList()), Failure.of(view.lastFailure()));
    }

    /**
     * The last failed or partial refresh of a cluster.
     *
     * @param category short, without the failure's text, e.g. {@code timeout}, {@code forbidden}, {@code store}
     * @param at when it was seen (ISO 8601)
     */
    public record Failure(String category, String at) {

        static Failure of(LastFailure failure) {
            return failure == null ? null : new Failure(failure.category(), failure.at().toString());
        }
    }
}
