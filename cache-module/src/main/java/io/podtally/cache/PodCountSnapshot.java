package io.podtally.cache;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the store holds for one cluster.
 *
 * <p>A snapshot without {@code fetchedAt} holds no counts, only the backoff of a cluster whose
 * refreshes have failed so far.
 *
 * @param counts active pods per node (nodes with at least one)
 * @param fetchedAt when the counting started, or {@code null} when no counts are known
 * @param freshUntil until when the counts are fresh, as the writer saw it
 * @param staleUntil until when the counts may be served without being expired, as the writer saw it
 * @param nextAttempt no refresh before this (after a failed or partial refresh), or {@code null}
 * @param complete whether the counts cover the whole cluster
 * @param source how the counts were obtained, e.g. {@code paginated}
 * @param pages pages listed
 * @param pods active pods seen
 * @param generation incremented by the store on each accepted write (ignored when writing)
 * @param failures consecutive failed or partial refreshes, 0 after a complete one
 * @param nodeUids the uids of the nodes known when the counting started, or {@code null} when unknown (see
 *     {@link SourceCounts#nodeUids()})
 */
public record PodCountSnapshot(
        Map<String, Integer> counts,
        Instant fetchedAt,
        Instant freshUntil,
        Instant staleUntil,
        Instant nextAttempt,
        boolean complete,
        String source,
        int pages,
        long pods,
        long generation,
        int failures,
        Set<String> nodeUids) {

    public PodCountSnapshot {
        counts = Map.copyOf(Objects.requireNonNull(counts, "counts"));
        if (fetchedAt != null) {
            Objects.requireNonNull(freshUntil, "freshUntil");
            Objects.requireNonNull(staleUntil, "staleUntil");
        }
        nodeUids = nodeUids == null ? null : Set.copyOf(nodeUids);
    }

    /** A snapshot that does not know which nodes it counted. */
    public PodCountSnapshot(Map<String, Integer> counts, Instant fetchedAt, Instant freshUntil, Instant staleUntil,
            Instant nextAttempt, boolean complete, String source, int pages, long pods, long generation, int failures) {
        this(counts, fetchedAt, freshUntil, staleUntil, nextAttempt, complete, source, pages, pods, generation,
                failures, null);
    }

    /** Whether the snapshot holds counts (rather than only a backoff). */
    public boolean hasCounts() {
        return fetchedAt != null;
    }

    /** A snapshot of freshly counted pods, stamped with the limits of {@code settings}. */
    public static PodCountSnapshot of(
            SourceCounts counts, Instant fetchedAt, PodCountSettings settings, Instant nextAttempt, int failures) {
        return new PodCountSnapshot(
                counts.countsByNode(),
                fetchedAt,
                fetchedAt.plus(settings.freshFor()),
                fetchedAt.plus(settings.staleFor()),
                nextAttempt,
                counts.complete(),
                counts.source(),
                counts.pages(),
                counts.pods(),
                0,
                failures,
                counts.nodeUids());
    }
}
