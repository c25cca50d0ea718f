package io.podtally.app.web;

import io.podtally.cache.FreshnessState;
import io.podtally.cache.LastFailure;
import io.podtally.cache.PodCountView;
import io.podtally.k8s.NodeCache;
import io.podtally.k8s.NodeMetricsCache;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a cluster's node list answer is made of, whatever its filters: the nodes, the informer's state, the pod-count
 * snapshot and the metrics. Two equal versions give the same answer (and ETag) to every query.
 *
 * @param cluster the cluster
 * @param nodeCount the number of nodes
 * @param nodesFingerprint the content fingerprint of the nodes
 * @param informerState the node informer's state, as the API writes it
 * @param informerError the node informer's last error, or {@code null}
 * @param podCountState the pod counts' freshness state
 * @param generation the pod-count snapshot's generation
 * @param fetchedAt when the pod counts were fetched, or {@code null}
 * @param metricsState the metrics cache's state
 * @param metricsFingerprint the content fingerprint of the usage held
 * @param lastFailure the pod counts' last failed or partial refresh, or {@code null}
 */
record NodeListVersion(
        String cluster,
        int nodeCount,
        long nodesFingerprint,
        String informerState,
        String informerError,
        FreshnessState podCountState,
        long generation,
        Instant fetchedAt,
        NodeMetricsCache.MetricsState metricsState,
        long metricsFingerprint,
        LastFailure lastFailure) {

    /** The parts of an answer a change can touch, as event streams name them. */
    static final String NODES = "nodes";
    static final String INFORMER = "informer";
    static final String POD_COUNTS = "pod_counts";
    static final String METRICS = "metrics";

    static NodeListVersion of(String cluster, NodeCache.Snapshot nodes, Responses.Informer informer, PodCountView view,
            NodeMetricsCache.Snapshot metrics) {
        return new NodeListVersion(cluster, nodes.nodes().size(), nodes.fingerprint(), informer.state(),
                informer.lastError(), view.state(), view.generation(), view.fetchedAt(), metrics.state(),
                metrics.fingerprint(), view.lastFailure());
    }

    /** The ETag of the node list answered to {@code query} from this version. */
    String etag(NodeQuery query) {
        return ETags.weak("nodes", cluster, nodesFingerprint, informerState, informerError, generation,
                podCountState, fetchedAt, metricsState, metricsFingerprint, lastFailure, query.canonical());
    }

    /**
     * The part of {@link #etag} whose change an answer must show on the next request: the pod counts' state (a
     * {@code DEL} answers {@code loading} at once) and last failure, the informer's state and the query. New counts
     * in the same state (a new generation), the nodes' content or the metrics alone may be answered a moment later,
     * while their answer is built.
     */
    String strict(NodeQuery query) {
        return ETags.weak("nodes-strict", cluster, informerState, informerError, podCountState, lastFailure,
                query.canonical());
    }

    /** The parts that differ from {@code before}, in a fixed order; empty when the answer is the same. */
    List<String> changedSince(NodeListVersion before) {
        List<String> changed = new ArrayList<>(4);
        if (nodeCount != before.nodeCount || nodesFingerprint != before.nodesFingerprint) {
            changed.add(NODES);
        }
        if (!informerState.equals(before.informerState) || !Objects.equals(informerError, before.informerError)) {
            changed.add(INFORMER);
        }
        if (podCountState != before.podCountState || generation != before.generation
                || !Objects.equals(fetchedAt, before.fetchedAt) || !Objects.equals(lastFailure, before.lastFailure)) {
            changed.add(POD_COUNTS);
        }
        if (metricsState != before.metricsState || metricsFingerprint != before.metricsFingerprint) {
            changed.add(METRICS);
        }
        return changed;
    }
}
