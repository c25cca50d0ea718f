package io.podtally.k8s;

import java.util.function.BooleanSupplier;

/**
 * Counts the active pods (phase neither {@code Succeeded} nor {@code Failed}) per node of one
 * cluster with a paginated LIST of all pods in all namespaces. Blocking; called from a background
 * refresh, never from a request.
 */
public interface PodCounter {

    /**
     * Lists every pod page by page and counts by {@code spec.nodeName}.
     *
     * @return the counts, complete or partial; never throws for an API server failure (a failure
     *     before the first page gives a partial result with no pages and its {@code failure})
     */
    default PodCountResult count() {
        return count(() -> true);
    }

    /**
     * Counts like {@link #count()}, asking {@code keepGoing} before every page request after the first (never more
     * often); when it answers {@code false} no further page is asked for and the result is partial and
     * {@link PodCountResult#stopped() stopped}.
     *
     * @param keepGoing whether the count may go on; called on the calling thread
     */
    PodCountResult count(BooleanSupplier keepGoing);
}
