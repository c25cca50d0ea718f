package io.podtally.app.web;

import io.podtally.app.config.ApiProperties;
import io.podtally.k8s.KubernetesCluster;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.nio.charset.StandardCharsets;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** {@code GET /api/v1/events}: a Server-Sent Events stream of a cluster's node-list changes. */
@RestController
@Tag(name = "events")
final class EventStreamController {

    static final MediaType EVENT_STREAM = new MediaType("text", "event-stream", StandardCharsets.UTF_8);

    private final ClusterLookup clusters;
    private final EventStreams streams;
    private final ApiProperties api;

    EventStreamController(ClusterLookup clusters, EventStreams streams, ApiProperties api) {
        this.clusters = clusters;
        this.streams = streams;
        this.api = api;
    }

    @GetMapping("/api/v1/events")
    @Operation(summary = "Server-Sent Events whenever what the cluster's node list answers changes",
            description = "Events: state (first on a new stream), change, reset (resuming was not possible: fetch "
                    + "the list again). Data: cluster, changed, etag, node_count, informer, pod_counts, metrics. "
                    + "A comment every podtally.api.event-heartbeat (15 s) keeps the connection open. At most "
                    + "podtally.api.max-event-streams per replica; beyond that 503 with Retry-After.")
    @ApiResponse(responseCode = "200", content = @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE,
            schema = @Schema(type = "string")))
    ResponseEntity<SseEmitter> events(
            @Parameter(description = "the cluster (kubeconfig context)") @RequestParam(name = "cluster_name", required = false) String clusterName,
            @Parameter(description = "the id of the last event received; the stream goes on from there")
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
        KubernetesCluster cluster = clusters.require(clusterName);
        EventStreams.Opened opened = streams.open(cluster.name(), lastEventId);
        if (opened instanceof EventStreams.Opened.Full) {
            throw ApiException.unavailable("this replica holds its maximum of " + api.maxEventStreams()
                    + " event streams; retry later or poll the node list", api.retryAfter());
        }
        if (!(opened instanceof EventStreams.Opened.Stream stream)) {
            throw ApiException.unavailable("this replica is starting or shutting down; reconnect", api.retryAfter());
        }
        return ResponseEntity.ok()
                .contentType(EVENT_STREAM)
                .cacheControl(CacheControl.noStore())
                .header("X-Accel-Buffering", "no")
                .body(stream.emitter());
    }
}
