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
 * @param endedAt when the counting ended; no list of the cluster starts sooner than fresh-for after it
 *     ({@code null} when not known)
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
 * @param lastFailure why and when the last refresh failed or was partial, or {@code null} (cleared by a complete write)
 */
public record PodCountSnapshot(
        Map<String, Integer> counts,
        Instant fetchedAt,
        Instant endedAt,
        Instant freshUntil,
        Instant staleUntil,
        Instant nextAttempt,
        boolean complete,
        String source,
        int pages,
        long pods,
        long generation,
        int failures,
        Set<String> nodeUids,
        LastFailure lastFailure) {

    public PodCountSnapshot {
        counts = Map.copyOf(Objects.requireNonNull(counts, "counts"));
        if (fetchedAt != null) {
            Objects.requireNonNull(freshUntil, "freshUntil");
            Objects.requireNonNull(staleUntil, "staleUntil");
        }
        nodeUids = nodeUids == null ? null : Set.copyOf(nodeUids);
    }

    /** A snapshot without a failure. */
    public PodCountSnapshot(Map<String, Integer> counts, Instant fetchedAt, Instant endedAt, Instant freshUntil,
            Instant staleUntil, Instant nextAttempt, boolean complete, String source, int pages, long pods,
            long generation, int failures, Set<String> nodeUids) {
        this(counts, fetchedAt, endedAt, freshUntil, staleUntil, nextAttempt, complete, source, pages, pods, generation,
                failures, nodeUids, null);
    }

    /** A snapshot that does not know which nodes it counted. */
    public PodCountSnapshot(Map<String, Integer> counts, Instant fetchedAt, Instant endedAt, Instant freshUntil,
            Instant staleUntil, Instant nextAttempt, boolean complete, String source, int pages, long pods,
            long generation, int failures) {
        this(counts, fetchedAt, endedAt, freshUntil, staleUntil, nextAttempt, complete, source, pages, pods, generation,
                failures, null);
    }

    /** Whether the snapshot holds counts (rather than only a backoff). */
    public boolean hasCounts() {
        return fetchedAt != null;
    }

    /**
     * Whether this partial snapshot covers less of the cluster than {@code other}: fewer pages, or as many pages
     * and fewer pods.
     */
    public boolean coversLessThan(PodCountSnapshot other) {
        return pages < other.pages || (pages == other.pages && pods < other.pods);
    }

    /** This snapshot with another backoff and last failure ({@code null} keeps the current one), all else kept. */
    public PodCountSnapshot withBackoff(Instant nextAttempt, int failures, LastFailure failure) {
        return new PodCountSnapshot(counts, fetchedAt, endedAt, freshUntil, staleUntil, nextAttempt, complete, source,
                pages, pods, generation, failures, nodeUids, failure == null ? lastFailure : failure);
    }

    /** This snapshot with another generation, everything else kept. */
    public PodCountSnapshot withGeneration(long generation) {
        return new PodCountSnapshot(counts, fetchedAt, endedAt, freshUntil, staleUntil, nextAttempt, complete, source,
                pages, pods, generation, failures, nodeUids, lastFailure);
    }

    /**
     * A snapshot of freshly counted pods, stamped with the limits of {@code settings}.
     *
     * @param fetchedAt when the counting started
     * @param endedAt when it ended; partial counts carry their failure as seen then
     */
    public static PodCountSnapshot of(SourceCounts counts, Instant fetchedAt, Instant endedAt, PodCountSettings settings,
            Instant nextAttempt, int failures) {
        return new PodCountSnapshot(
                counts.countsByNode(),
                fetchedAt,
                endedAt,
                fetchedAt.plus(settings.freshFor()),
                fetchedAt.plus(settings.staleFor()),
                nextAttempt,
                counts.complete(),
                counts.source(),
                counts.pages(),
                counts.pods(),
                0,
                failures,
                counts.nodeUids(),
                counts.complete() ? null : new LastFailure(counts.failureCategory(), endedAt));
    }
}
