package io.podtally.cache;

import java.util.Map;
import java.util.Set;

/**
 * Counts delivered by a {@link PodCountSource}.
 *
 * <p>When {@code complete}, a node without an entry has 0 active pods; otherwise it was not reached.
 *
 * @param countsByNode active pods per node (nodes with at least one)
 * @param complete whether the whole cluster was listed
 * @param pages pages listed
 * @param pods active pods seen
 * @param source how the counts were obtained, e.g. {@code paginated}
 * @param failure why the count is partial, or {@code null}
 * @param nodeUids the uids of the nodes known when the count began: a node whose uid is not among them joined (or
 *     was re-created) later and is not counted yet; {@code null} when the nodes were not known then
 * @param failureCategory what kind of failure made the count partial, short and without its text (e.g.
 *     {@code timeout}, {@code forbidden}); {@code error} when a failure is given without one, {@code null} when complete
 */
public record SourceCounts(
        Map<String, Integer> countsByNode,
        boolean complete,
        int pages,
        long pods,
        String source,
        String failure,
        Set<String> nodeUids,
        String failureCategory) {

    public SourceCounts {
        countsByNode = Map.copyOf(countsByNode);
        nodeUids = nodeUids == null ? null : Set.copyOf(nodeUids);
        if (failureCategory == null && (failure != null || !complete)) {
            failureCategory = "error";
        }
    }

    /** Counts whose failure, if any, is not categorized ({@code error}). */
    public SourceCounts(Map<String, Integer> countsByNode, boolean complete, int pages, long pods, String source,
            String failure, Set<String> nodeUids) {
        this(countsByNode, complete, pages, pods, source, failure, nodeUids, null);
    }

    /** Counts that do not say which nodes they counted. */
    public SourceCounts(
            Map<String, Integer> countsByNode, boolean complete, int pages, long pods, String source, String failure) {
        this(countsByNode, complete, pages, pods, source, failure, null);
    }
}
