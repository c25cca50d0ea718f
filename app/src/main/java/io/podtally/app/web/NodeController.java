package io.podtally.app.web;

import io.podtally.app.config.ApiProperties;
import io.podtally.cache.PodCountCache;
import io.podtally.cache.PodCountView;
import io.podtally.k8s.Fingerprints;
import io.podtally.k8s.KubernetesCluster;
import io.podtally.k8s.NodeCache;
import io.podtally.k8s.NodeMetricsCache;
import io.podtally.k8s.NodeMetricsCache.NodeUsage;
import io.podtally.k8s.NodeView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.Parameters;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.WebRequest;

/**
 * The node list and single nodes. Nodes come from the cluster's node informer, usage from its metrics cache and pod
 * counts from the shared cache; nothing here calls the API server or waits for a pod count.
 */
@RestController
@RequestMapping(path = "/api/v1/nodes", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "nodes")
final class NodeController {

    private static final Logger log = LoggerFactory.getLogger(NodeController.class);
    /** Set on the previous answer to a query served while the answer to a change is built. */
    static final String STAND_IN = "X-Podtally-Stand-In";

    private final ClusterLookup clusters;
    private final PodCountCache podCounts;
    private final ApiProperties api;
    private final Clock clock;
    private final RenderedAnswers rendered;
    private final NodeListWriter writer;

    NodeController(ClusterLookup clusters, PodCountCache podCounts, ApiProperties api, Clock clock,
            RenderedAnswers rendered, NodeListWriter writer) {
        this.clusters = clusters;
        this.podCounts = podCounts;
        this.api = api;
        this.clock = clock;
        this.rendered = rendered;
        this.writer = writer;
    }

    @GetMapping
    @Parameters({
        @Parameter(name = "name", in = ParameterIn.QUERY, description = "a part of the node name"),
        @Parameter(name = "status", in = ParameterIn.QUERY, schema = @Schema(allowableValues = {"ready", "notready"})),
        @Parameter(name = "role", in = ParameterIn.QUERY, description = "a node-role.kubernetes.io/<role> label"),
        @Parameter(name = "label_key", in = ParameterIn.QUERY),
        @Parameter(name = "label_value", in = ParameterIn.QUERY, description = "only with label_key"),
        @Parameter(name = "taint_key", in = ParameterIn.QUERY),
        @Parameter(name = "taint_value", in = ParameterIn.QUERY, description = "only with taint_key"),
        @Parameter(name = "taint_effect", in = ParameterIn.QUERY, description = "only with taint_key",
                schema = @Schema(allowableValues = {"NoSchedule", "PreferNoSchedule", "NoExecute"})),
        @Parameter(name = "page", in = ParameterIn.QUERY, schema = @Schema(type = "integer", minimum = "1")),
        @Parameter(name = "page_size", in = ParameterIn.QUERY, schema = @Schema(type = "integer", minimum = "1")),
        @Parameter(name = "sort_by", in = ParameterIn.QUERY,
                schema = @Schema(allowableValues = {"name", "status", "roles", "pod_count", "cpu", "memory", "created_at"})),
        @Parameter(name = "order", in = ParameterIn.QUERY, schema = @Schema(allowableValues = {"asc", "desc"}))
    })
    @Operation(summary = "The nodes of a cluster with usage and active pod counts",
            description = "Filters: name (a part of it), status=ready|notready, role, label_key[+label_value], "
                    + "taint_key[+taint_value][+taint_effect]. Optional paging: page, page_size, sort_by "
                    + "(name, status, roles, pod_count, cpu, memory, created_at), order (asc, desc). pod_count is null while unknown.")
    @ApiResponse(responseCode = "200", content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
            schema = @Schema(implementation = Responses.NodeList.class)))
    ResponseEntity<byte[]> list(
            @Parameter(description = "the cluster (kubeconfig context)") @RequestParam(name = "cluster_name", required = false) String clusterName,
            @Parameter(hidden = true) @RequestParam Map<String, String> params,
            WebRequest request, HttpServletResponse response) {
        KubernetesCluster cluster = clusters.require(clusterName);
        NodeQuery query = NodeQuery.parse(params, api.maxPageSize());
        NodeCache nodeCache = clusters.syncedNodes(cluster);
        NodeCache.Snapshot nodes = nodeCache.snapshot();
        Responses.Informer informer = Responses.Informer.of(nodeCache, nodes.nodes().size());
        PodCountView view = podCounts.read(cluster.name());
        NodeMetricsCache.Snapshot metrics = cluster.metrics().snapshot();
        NodeListVersion version = NodeListVersion.of(cluster.name(), nodes, informer, view, metrics);
        String etag = version.etag(query);
        // the request is checked against the tag of the bytes it would get, once: it sets the response's ETag
        if (mayMatch(request.getHeader(HttpHeaders.IF_NONE_MATCH), etag) && request.checkNotModified(etag)) {
            return null;
        }
        boolean gzip = RenderedAnswers.acceptsGzip(request.getHeader(HttpHeaders.ACCEPT_ENCODING));
        Supplier<Responses.NodeList> body = () -> body(cluster.name(), nodes, informer, view, metrics, query);
        RenderedAnswers.Answer answer = rendered.answer(new RenderedAnswers.Request(
                (gzip ? "gzip " : "json ") + cluster.name() + " " + query.canonical(), etag, version.strict(query), gzip,
                gzip ? () -> writer.gzip(body.get()) : () -> writer.plain(body.get())));
        // the answer last served to this query may stand in for a moment: its own tag goes with it, and a header
        // says that a newer one is being built, so that a client that was told of a change asks again shortly
        if (!answer.etag().equals(etag)) {
            response.setHeader(STAND_IN, "true");
        }
        if (request.checkNotModified(answer.etag())) {
            return null;
        }
        ResponseEntity.BodyBuilder ok = ResponseEntity.ok()
                .eTag(answer.etag())
                .cacheControl(CacheControl.noCache())
                .contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING);
        if (gzip) {
            ok.header(HttpHeaders.CONTENT_ENCODING, "gzip");
        }
        return ok.body(answer.bytes());
    }

    /** Whether {@code ifNoneMatch} may name {@code etag} (or any tag); a cheap test before the exact one. */
    static boolean mayMatch(String ifNoneMatch, String etag) {
        return ifNoneMatch != null && (ifNoneMatch.contains(etag.substring(etag.indexOf('"')))
                || ifNoneMatch.trim().equals("*"));
    }

    /**
     * The matching nodes, sorted, and only those of the page asked for built into {@link NodeInfo}s, with the ages at
     * the time of the build (the answer is built again, from the same inputs, as its ages move on).
     */
    private Responses.NodeList body(String cluster, NodeCache.Snapshot nodes, Responses.Informer informer,
            PodCountView view, NodeMetricsCache.Snapshot metrics, NodeQuery query) {
        Responses.NodeMetrics metricsState = Responses.NodeMetrics.of(metrics.state());
        Instant now = clock.instant();
        List<NodeView> matching = nodes.nodes().stream()
                .filter(query::matches)
                .sorted(query.viewComparator(view, metrics))
                .toList();
        log.debug("nodes cluster={} matching={} podCounts={}", cluster, matching.size(), view.state().label());
        PodCountsInfo podCountsInfo = PodCountsInfo.of(view, nodes.nodes(), podCounts.clock().instant());
        if (query.paged()) {
            int total = matching.size();
            int from = (int) Math.min(total, (long) (query.page() - 1) * query.pageSize());
            int to = Math.min(total, from + query.pageSize());
            int totalPages = (total + query.pageSize() - 1) / query.pageSize();
            return new Responses.NodeList(200, Responses.SUCCESS, infos(matching.subList(from, to), view, metrics, now),
                    podCountsInfo, informer, metricsState, total, query.page(), query.pageSize(), totalPages);
        }
        return new Responses.NodeList(200, Responses.SUCCESS, infos(matching, view, metrics, now),
                podCountsInfo, informer, metricsState, null, null, null, null);
    }

    private static List<NodeInfo> infos(
            List<NodeView> nodes, PodCountView view, NodeMetricsCache.Snapshot metrics, Instant now) {
        return nodes.stream()
                .map(node -> NodeInfo.of(node, view.countFor(node.name(), node.uid()),
                        metrics.usage(node.name()).orElse(null), now))
                .toList();
    }

    @GetMapping("/{name}")
    @Operation(summary = "One node of a cluster with its usage and active pod count")
    ResponseEntity<Responses.Node> get(
            @PathVariable String name,
            @Parameter(description = "the cluster (kubeconfig context)") @RequestParam(name = "cluster_name", required = false) String clusterName,
            WebRequest request) {
        KubernetesCluster cluster = clusters.require(clusterName);
        if (!KubernetesNames.isDnsSubdomain(name)) {
            throw ApiException.badRequest("node name must be a DNS subdomain (at most 253 lower-case letters, digits, - .)");
        }
        NodeCache nodeCache = clusters.syncedNodes(cluster);
        NodeCache.Snapshot nodes = nodeCache.snapshot();
        NodeView node = nodeCache.get(name)
                .orElseThrow(() -> ApiException.notFound("unknown node " + name + " in cluster " + cluster.name()));
        PodCountView view = podCounts.read(cluster.name());
        NodeMetricsCache.Snapshot metrics = cluster.metrics().snapshot();
        NodeUsage usage = metrics.usage(node.name()).orElse(null);
        // like the list's: made of content only, so every replica holding the same data gives the same tag
        String etag = ETags.weak("node", cluster.name(), Fingerprints.node(node), nodes.fingerprint(),
                view.generation(), view.state(), view.fetchedAt(), view.lastFailure(), metrics.state(),
                usage == null ? 0 : Fingerprints.usage(node.name(), usage));
        if (request.checkNotModified(etag)) {
            return null;
        }
        NodeInfo info = NodeInfo.of(node, view.countFor(node.name(), node.uid()), usage, clock.instant());
        return ResponseEntity.ok().eTag(etag).cacheControl(CacheControl.noCache())
                .body(new Responses.Node(200, Responses.SUCCESS, info, PodCountsInfo.of(view, nodes.nodes())));
    }
}
