package io.podtally.cache;

import java.util.function.BooleanSupplier;

/**
 * Where pod counts come from: counts the active pods per node of one cluster. Blocking; called
 * only from a background refresh. The cache knows pod counts only through this interface.
 */
@FunctionalInterface
public interface PodCountSource {

    /**
     * Counts the active pods per node of {@code cluster}.
     *
     * @return complete or partial counts; a source failure before any page is a partial result
     *     without counts, or an exception
     */
    SourceCounts count(String cluster);

    /**
     * Counts like {@link #count(String)}, asking {@code keepGoing} before each page after the first (not more often):
     * when it answers {@code false} the count ends at once with what it has, partial. The cache answers {@code false}
     * once this replica no longer holds the cluster's refresh lock, and then writes nothing. This default, for
     * sources that answer in one step, does not ask.
     *
     * @param keepGoing whether the count may go on; called on the calling thread
     */
    default SourceCounts count(String cluster, BooleanSupplier keepGoing) {
        return count(cluster);
    }
}
