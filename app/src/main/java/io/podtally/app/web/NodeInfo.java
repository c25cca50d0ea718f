package io.podtally.app.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.podtally.k8s.NodeMetricsCache.NodeUsage;
import io.podtally.k8s.NodeView;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * One node as the API serves it.
 *
 * @param name node name
 * @param status {@code Ready} or {@code NotReady}
 * @param schedulable whether new pods may be scheduled on it (not cordoned)
 * @param roles roles from the {@code node-role.kubernetes.io/*} labels
 * @param age time since creation, as {@code kubectl} shows it ({@code 12d}, {@code 5h}, …)
 * @param version kubelet version
 * @param internalIp first internal IP, or {@code null}
 * @param externalIp first external IP, or {@code null}
 * @param osImage OS image
 * @param kernelVersion kernel version
 * @param containerRuntime container runtime version
 * @param capacity capacity
 * @param allocatable allocatable resources
 * @param usage current usage from metrics.k8s.io, or {@code null} without metrics
 * @param podCount active pods on the node; {@code null} while unknown, never a made-up 0
 * @param labels labels
 * @param taints taints
 * @param conditions conditions
 * @param createdAt creation time (ISO 8601, UTC)
 */
public record NodeInfo(
        String name,
        String status,
        boolean schedulable,
        List<String> roles,
        String age,
        String version,
        @JsonProperty("internal_ip") String internalIp,
        @JsonProperty("external_ip") String externalIp,
        @JsonProperty("os_image") String osImage,
        @JsonProperty("kernel_version") String kernelVersion,
        @JsonProperty("container_runtime") String containerRuntime,
        Resources capacity,
        Resources allocatable,
        Usage usage,
        @JsonProperty("pod_count") Integer podCount,
        Map<String, String> labels,
        List<TaintInfo> taints,
        List<ConditionInfo> conditions,
        @JsonProperty("created_at") String createdAt) {

    /** CPU, memory and pod quantities as Kubernetes quantity strings. */
    public record Resources(String cpu, String memory, String pods) {

        static Resources of(Map<String, String> quantities) {
            return new Resources(quantities.get("cpu"), quantities.get("memory"), quantities.get("pods"));
        }
    }

    /** CPU and memory in use. */
    public record Usage(String cpu, String memory) {
    }

    /** A taint. */
    public record TaintInfo(String key, String value, String effect) {
    }

    /** A condition. */
    public record ConditionInfo(
            String type,
            String status,
            String reason,
            String message,
            @JsonProperty("last_transition_time") String lastTransitionTime) {
    }

    static NodeInfo of(NodeView node, Integer podCount, NodeUsage usage, Instant now) {
        return new NodeInfo(
                node.name(),
                node.ready() ? "Ready" : "NotReady",
                !node.unschedulable(),
                node.roles(),
                age(node.createdAt(), now),
                node.kubeletVersion(),
                node.internalIp(),
                node.externalIp(),
                node.osImage(),
                node.kernelVersion(),
                node.containerRuntimeVersion(),
                Resources.of(node.capacity()),
                Resources.of(node.allocatable()),
                usage == null ? null : new Usage(usage.cpu(), usage.memory()),
                podCount,
                node.labels(),
                node.taints().stream().map(t -> new TaintInfo(t.key(), t.value(), t.effect())).toList(),
                node.conditions().stream()
                        .map(c -> new ConditionInfo(c.type(), c.status(), c.reason(), c.message(),
                                timestamp(c.lastTransitionTime())))
                        .toList(),
                timestamp(node.createdAt()));
    }

    /** An instant as ISO 8601 with second precision, so that the strings sort as the instants do. */
    static String timestamp(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    static String age(Instant createdAt, Instant now) {
        if (createdAt == null) {
            return null;
        }
        Duration age = Duration.between(createdAt, now);
        if (age.isNegative()) {
            return "0s";
        }
        long days = age.toDays();
        if (days >= 2) {
            return days + "d";
        }
        long hours = age.toHours();
        if (hours >= 2) {
            return hours + "h";
        }
        long minutes = age.toMinutes();
        if (minutes >= 2) {
            return minutes + "m";
        }
        return age.toSeconds() + "s";
    }
}
