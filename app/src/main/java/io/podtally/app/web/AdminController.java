package io.podtally.app.web;

import io.podtally.cache.PodCountCache;
import io.podtally.k8s.KubernetesCluster;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Operator actions on a cluster's pod counts. Reached only with the admin token ({@link AdminTokenInterceptor}).
 */
@RestController
@RequestMapping(path = "/api/v1/admin/clusters/{cluster}/pod-counts", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "admin")
@SecurityRequirement(name = "admin-token")
final class AdminController {

    private static final Logger log = LoggerFactory.getLogger(AdminController.class);

    private final ClusterLookup clusters;
    private final PodCountCache podCounts;

    AdminController(ClusterLookup clusters, PodCountCache podCounts) {
        this.clusters = clusters;
        this.podCounts = podCounts;
    }

    @PostMapping("/invalidate")
    @Operation(summary = "Deletes the cluster's pod counts; every replica answers loading and one refresh follows")
    ResponseEntity<Responses.AdminAction> invalidate(@PathVariable("cluster") String name) {
        KubernetesCluster cluster = clusters.require(name);
        podCounts.invalidate(cluster.name());
        log.info("admin invalidate cluster={} outcome=done", cluster.name());
        return accepted(cluster, "invalidate", "pod counts invalidated");
    }

    @PostMapping("/refresh")
    @Operation(summary = "Starts a refresh of the cluster's pod counts now, through the one-per-cluster lock, "
            + "ignoring freshness and backoff")
    ResponseEntity<Responses.AdminAction> refresh(@PathVariable("cluster") String name) {
        KubernetesCluster cluster = clusters.require(name);
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
