package io.podtally.k8s;

import java.time.Duration;
import java.util.Map;

/**
 * The outcome of one paginated pod count.
 *
 * <p>In a complete result a node that has no entry in {@code countsByNode} has 0 active pods. In a
 * partial result ({@code complete == false}) a node without an entry was not reached: its count is
 * unknown, never 0, and the counts present are lower bounds.
 *
 * @param countsByNode active pods per node name (nodes with at least one active pod)
 * @param complete whether every page was listed
 * @param pages pages listed
 * @param pods active pods seen (scheduled or not)
 * @param unscheduled active pods without {@code spec.nodeName} (not counted on any node)
 * @param restarts times the list restarted after {@code 410 Expired}
 * @param elapsed how long the count took
 * @param failure why the list ended early, or {@code null} when complete
 * @param stopped whether the list ended early because the caller said to stop (see
 *     {@link PodCounter#count(java.util.function.BooleanSupplier)})
 * @param failureCategory what kind of failure ended the list early, without its text, or {@code null} when complete:
 *     {@code timeout}, {@code forbidden}, {@code unauthorized}, {@code unreachable}, {@code unavailable} (HTTP 5xx),
 *     {@code gone} (410 after the restarts), {@code too-many-requests} (429 beyond the deadline), {@code page-cap},
 *     {@code stopped} or {@code error}
 */
public record PodCountResult(
        Map<String, Integer> countsByNode,
        boolean complete,
        int pages,
        long pods,
        long unscheduled,
        int restarts,
        Duration elapsed,
        String failure,
        boolean stopped,
        String failureCategory) {

    public PodCountResult {
        countsByNode = Map.copyOf(countsByNode);
        if (failure != null && failureCategory == null) {
            failureCategory = stopped ? "stopped" : "error";
        }
    }

    /** A result whose failure, if any, is not categorized ({@code error}, or {@code stopped}). */
    public PodCountResult(Map<String, Integer> countsByNode, boolean complete, int pages, long pods, long unscheduled,
            int restarts, Duration elapsed, String failure, boolean stopped) {
        this(countsByNode, complete, pages, pods, unscheduled, restarts, elapsed, failure, stopped, null);
    }

    /** A result that was not stopped by its caller. */
    public PodCountResult(Map<String, Integer> countsByNode, boolean complete, int pages, long pods, long unscheduled,
            int restarts, Duration elapsed, String failure) {
        this(countsByNode, complete, pages, pods, unscheduled, restarts, elapsed, failure, false);
    }
}
