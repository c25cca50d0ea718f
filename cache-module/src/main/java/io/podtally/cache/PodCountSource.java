package io.podtally.cache;

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
}
