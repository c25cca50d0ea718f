package io.podtally.k8s;

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
    PodCountResult count();
}
