package io.podtally.app.web;

import io.podtally.cache.PodCountCache;
import io.podtally.cache.PodCountView;
import io.podtally.k8s.KubernetesCluster;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.WebRequest;

/** A cluster's pod counts and their freshness, straight from the shared cache. */
@RestController
@Tag(name = "pod counts")
final class PodCountController {

    private final ClusterLookup clusters;
    private final PodCountCache podCounts;

    PodCountController(ClusterLookup clusters, PodCountCache podCounts) {
        this.clusters = clusters;
        this.podCounts = podCounts;
    }

    @GetMapping(path = "/api/v1/pod-counts", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Active pods per node of a cluster and the state of those counts",
            description = "counts is null while nothing is known; in a complete snapshot a node without an entry "
                    + "has 0 active pods, in a partial one it was not reached.")
    ResponseEntity<Responses.PodCounts> podCounts(
            @RequestParam(name = "cluster_name", required = false) String clusterName, WebRequest request) {
        KubernetesCluster cluster = clusters.require(clusterName);
        PodCountView view = podCounts.read(cluster.name());
        String etag = ETags.weak("pod-counts", cluster.name(), view.generation(), view.state(), view.fetchedAt(),
                view.lastFailure());
        if (request.checkNotModified(etag)) {
            return null;
        }
        PodCountsInfo info = PodCountsInfo.of(view);
        Map<String, Integer> counts = view.counts() == null ? null : new TreeMap<>(view.counts());
        Responses.PodCountsData data = new Responses.PodCountsData(cluster.name(), info.state(), info.fetchedAt(),
                info.ageSeconds(), info.complete(), info.source(), info.generation(), counts, info.lastFailure());
        return ResponseEntity.ok().eTag(etag).cacheControl(CacheControl.noCache())
                .body(new Responses.PodCounts(200, Responses.SUCCESS, data));
    }
}
