package io.podtally.app.web;

import io.podtally.cache.PodCountCache;
import io.podtally.cache.RefreshOutcome;
import io.podtally.cache.WatchLeases;
import io.podtally.k8s.ClusterRegistry;
import io.podtally.k8s.KubernetesCluster;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Operator actions on a cluster's pod counts. Reached only with the admin token ({@link AdminTokenInterceptor}). The
 * cluster is named in the path, or in {@code cluster_name} for names that cannot travel in a path segment (EKS ARNs
 * and other context names with {@code /}).
 */
@RestController
@RequestMapping(path = "/api/v1/admin", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "admin")
@SecurityRequirement(name = "admin-token")
final class AdminController {

    private static final Logger log = LoggerFactory.getLogger(AdminController.class);
    private static final String INVALIDATE =
            "Deletes the cluster's pod counts; every replica answers loading and one refresh follows";
    private static final String REFRESH = "Starts a refresh of the cluster's pod counts now, through the "
            + "one-per-cluster lock, ignoring freshness and backoff";

    private final ClusterLookup clusters;
    private final ClusterRegistry registry;
    private final PodCountCache podCounts;
    private final WatchLeases watchLeases;

    AdminController(ClusterLookup clusters, ClusterRegistry registry, PodCountCache podCounts,
            WatchLeases watchLeases) {
        this.clusters = clusters;
        this.registry = registry;
        this.podCounts = podCounts;
        this.watchLeases = watchLeases;
    }

    @PostMapping("/pod-counts/invalidate-all")
    @Operation(summary = "Deletes the pod counts of every served cluster, one key at a time, and refreshes them "
            + "staggered as the warm-up does",
            description = "Answers 202 at once with the clusters invalidated, those refreshed in the background (in "
                    + "warm-up order, at most podtally.podcounts.warm-up-max-clusters) and the spread their refreshes "
                    + "are staggered across (podtally.podcounts.warm-up-spread).")
    ResponseEntity<Responses.InvalidateAll> invalidateAll() {
        List<String> names = registry.clusters().stream().map(KubernetesCluster::name).toList();
        PodCountCache.InvalidateAll result = podCounts.invalidateAll(names);
        result.outcomes().whenComplete((outcomes, failure) -> {
            if (failure != null) {
                log.warn("admin invalidate-all refreshes outcome=failed: {}", failure.toString());
            } else {
                Map<String, Long> byOutcome = outcomes.values().stream()
                        .collect(Collectors.groupingBy(RefreshOutcome::label, TreeMap::new, Collectors.counting()));
                log.info("admin invalidate-all refreshes outcome={}", byOutcome);
            }
        });
        log.info("admin invalidate-all clusters={} refused={} refreshing={} within={}", result.invalidated().size(),
                result.refused(), result.refreshed().size(), result.spread());
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(new Responses.InvalidateAll(
                HttpStatus.ACCEPTED.value(), "pod counts invalidated; refreshes staggered", "invalidate-all",
                result.invalidated(), result.refused(), result.refreshed(), result.spread().toMillis() / 1000.0));
    }

    @PostMapping("/clusters/{cluster}/pod-counts/invalidate")
    @Operation(summary = INVALIDATE)
    ResponseEntity<Responses.AdminAction> invalidate(@PathVariable("cluster") String name) {
        return invalidateCluster(name);
    }

    @PostMapping("/pod-counts/invalidate")
    @Operation(summary = INVALIDATE, description = "The cluster as a query parameter, for names with '/'.")
    ResponseEntity<Responses.AdminAction> invalidateByQuery(
            @Parameter(description = "the cluster (kubeconfig context)") @RequestParam(name = "cluster_name", required = false) String name) {
        return invalidateCluster(name);
    }

    @PostMapping("/clusters/{cluster}/pod-counts/refresh")
    @Operation(summary = REFRESH)
    ResponseEntity<Responses.AdminAction> refresh(@PathVariable("cluster") String name) {
        return refreshCluster(name);
    }

    @PostMapping("/pod-counts/refresh")
    @Operation(summary = REFRESH, description = "The cluster as a query parameter, for names with '/'.")
    ResponseEntity<Responses.AdminAction> refreshByQuery(
            @Parameter(description = "the cluster (kubeconfig context)") @RequestParam(name = "cluster_name", required = false) String name) {
        return refreshCluster(name);
    }

    private ResponseEntity<Responses.AdminAction> invalidateCluster(String name) {
        KubernetesCluster cluster = clusters.require(name);
        podCounts.invalidate(cluster.name());
        log.info("admin invalidate cluster={} outcome=done", cluster.name());
        return accepted(cluster, "invalidate", "pod counts invalidated");
    }

    private ResponseEntity<Responses.AdminAction> refreshCluster(String name) {
        KubernetesCluster cluster = clusters.require(name);
        if (watchLeases.requestRelist(cluster.name())) {
            log.info("admin refresh cluster={} outcome=relist asked of the watch lease holder", cluster.name());
            return accepted(cluster, "refresh", "refresh started");
        }
        podCounts.refresh(cluster.name()).whenComplete((outcome, failure) -> {
            if (failure != null) {
                log.warn("admin refresh cluster={} outcome=failed: {}", cluster.name(), failure.toString());
            } else {
                log.info("admin refresh cluster={} outcome={}", cluster.name(), outcome.label());
            }
        });
        log.info("admin refresh cluster={} outcome=started", cluster.name());
        return accepted(cluster, "refresh", "refresh started");
    }

    private static ResponseEntity<Responses.AdminAction> accepted(
            KubernetesCluster cluster, String action, String message) {
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .body(new Responses.AdminAction(HttpStatus.ACCEPTED.value(), message, cluster.name(), action));
    }
}
