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
 */
public record SourceCounts(
        Map<String, Integer> countsByNode,
        boolean complete,
        int pages,
        long pods,
        String source,
        String failure,
        Set<String> nodeUids) {

    public SourceCounts {
        countsByNode = Map.copyOf(countsByNode);
        nodeUids = nodeUids == null ? null : Set.copyOf(nodeUids);
    }

    /** Counts that do not say which nodes they counted. */
    public SourceCounts(
            Map<String, Integer> countsByNode, boolean complete, int pages, long pods, String source, String failure) {
        this(countsByNode, complete, pages, pods, source, failure, null);
    }
}
