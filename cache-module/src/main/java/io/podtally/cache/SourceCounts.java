package io.podtally.cache;

import java.util.Map;

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
 */
public record SourceCounts(
        Map<String, Integer> countsByNode, boolean complete, int pages, long pods, String source, String failure) {

    public SourceCounts {
        countsByNode = Map.copyOf(countsByNode);
    }
}
