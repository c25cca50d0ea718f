package io.podtally.app.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.podtally.k8s.ErrorCategory;
import io.podtally.k8s.NodeCache;
import io.podtally.k8s.NodeMetricsCache;
import io.podtally.k8s.RejectedCluster;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The bodies of successful answers. Every one starts with {@code code} and {@code message}. */
final class Responses {

    static final String SUCCESS = "success";

    private Responses() {
    }

    /** {@code GET /api/v1/nodes}; {@code total} and the paging fields only when a page was asked for. */
    record NodeList(
            int code,
            String message,
            List<NodeInfo> data,
            @JsonProperty("pod_counts") PodCountsInfo podCounts,
            Informer informer,
            NodeMetrics metrics,
            @JsonInclude(JsonInclude.Include.NON_NULL) Integer total,
            @JsonInclude(JsonInclude.Include.NON_NULL) Integer page,
            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("page_size") Integer pageSize,
            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("total_pages") Integer totalPages) {

        NodeList withData(List<NodeInfo> nodes) {
            return new NodeList(code, message, nodes, podCounts, informer, metrics, total, page, pageSize, totalPages);
        }
    }

    /** {@code GET /api/v1/nodes/{name}}. */
    record Node(int code, String message, NodeInfo data, @JsonProperty("pod_counts") PodCountsInfo podCounts) {
    }

    /** {@code GET /api/v1/pod-counts}. */
    record PodCounts(int code, String message, PodCountsData data) {
    }

    /**
     * A cluster's pod counts.
     *
     * @param cluster the cluster
     * @param counts active pods per node with at least one; {@code null} while nothing is known
     * @param lastFailure why and when the last refresh failed or was partial, {@code null} when none since the last
     *     complete write
     */
    record PodCountsData(
            String cluster,
            String state,
            @JsonProperty("fetched_at") String fetchedAt,
            @JsonProperty("age_seconds") Long ageSeconds,
            Boolean complete,
            String source,
            long generation,
            Map<String, Integer> counts,
            @JsonProperty("last_failure") PodCountsInfo.Failure lastFailure) {
    }

    /**
     * {@code GET /api/v1/clusters}: the served clusters, the kubeconfig contexts rejected for their names and the
     * pod-count store this replica uses now ({@code redis}, {@code memory} or {@code memory (waiting for Redis)}).
     */
    record Clusters(int code, String message, List<ClusterInfo> data, List<Rejected> rejected, String store) {
    }

    /** A kubeconfig context that is not served, with the rule its name breaks. */
    record Rejected(String name, String reason) {

        static Rejected of(RejectedCluster cluster) {
            return new Rejected(cluster.name(), cluster.reason());
        }
    }

    /** One cluster with the state of its node informer, metrics and pod counts. */
    record ClusterInfo(
            String name,
            Informer informer,
            Metrics metrics,
            @JsonProperty("pod_counts") PodCountsInfo podCounts,
            @JsonInclude(JsonInclude.Include.NON_NULL) Watch watch) {
    }

    /**
     * The watch of a cluster's pods in watch mode: the replica holding its lease ({@code null} when none does: the
     * paginated refresh counts), since when, and the watch's state.
     */
    record Watch(String holder, String since, String state) {
    }

    /**
     * A node informer's state.
     *
     * @param lastError the category of the last error ({@code unreachable}, {@code forbidden}, {@code unauthorized},
     *     {@code timeout}, {@code error}), or {@code null}: its full text names the API server and the identity, and
     *     is in the log and in the health details for the admin only
     */
    record Informer(String state, @JsonProperty("node_count") int nodeCount, @JsonProperty("last_error") String lastError) {

        /** The state and last error category of {@code nodes}, with {@code nodeCount} nodes. */
        static Informer of(NodeCache nodes, int nodeCount) {
            ErrorCategory category = nodes.errorCategory();
            return new Informer(label(nodes.state()), nodeCount, category == null ? null : category.label());
        }
    }

    /** The metrics cache's state. */
    record Metrics(String state, @JsonProperty("fetched_at") String fetchedAt) {
    }

    /**
     * Whether the usage in a node answer is there: {@code available}, {@code unavailable} (no metrics-server, or it
     * failed: {@code usage} is null) or {@code unknown} (not fetched yet).
     */
    record NodeMetrics(String state) {

        static NodeMetrics of(NodeMetricsCache.MetricsState state) {
            return new NodeMetrics(label(state));
        }
    }

    /** A state as the API writes it: its name in lower case. */
    static String label(Enum<?> state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    /** An accepted admin action. */
    record AdminAction(int code, String message, String cluster, String action) {
    }

    /**
     * An accepted {@code invalidate-all}.
     *
     * @param clusters the clusters whose counts were deleted
     * @param refused the clusters whose key the store refused (left as they were)
     * @param refreshing the clusters refreshed in the background, in the order of their refreshes; the others are
     *     counted when next asked for
     * @param spreadSeconds the refreshes are staggered across this many seconds
     */
    record InvalidateAll(int code, String message, String action, List<String> clusters, List<String> refused,
            List<String> refreshing, @JsonProperty("spread_seconds") double spreadSeconds) {
    }
}
