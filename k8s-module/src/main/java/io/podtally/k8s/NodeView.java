package io.podtally.k8s;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What podtally keeps of a node: only the fields the node list serves (no images, no managed
 * fields). Quantities are Kubernetes quantity strings as the API server gave them.
 *
 * @param name node name
 * @param labels labels
 * @param taints taints
 * @param unschedulable {@code spec.unschedulable}
 * @param conditions status conditions
 * @param internalIp first {@code InternalIP} address, or {@code null}
 * @param externalIp first {@code ExternalIP} address, or {@code null}
 * @param capacity {@code status.capacity} ({@code cpu}, {@code memory}, {@code pods}, …)
 * @param allocatable {@code status.allocatable}
 * @param kubeletVersion {@code status.nodeInfo.kubeletVersion}
 * @param osImage {@code status.nodeInfo.osImage}
 * @param kernelVersion {@code status.nodeInfo.kernelVersion}
 * @param containerRuntimeVersion {@code status.nodeInfo.containerRuntimeVersion}
 * @param createdAt {@code metadata.creationTimestamp}
 * @param uid {@code metadata.uid}: tells a node re-created under the same name from the one it replaces, or
 *     {@code null} when the API server gave none
 */
public record NodeView(
        String name,
        Map<String, String> labels,
        List<Taint> taints,
        boolean unschedulable,
        List<Condition> conditions,
        String internalIp,
        String externalIp,
        Map<String, String> capacity,
        Map<String, String> allocatable,
        String kubeletVersion,
        String osImage,
        String kernelVersion,
        String containerRuntimeVersion,
        Instant createdAt,
        String uid) {

    /** Whether the node's {@code Ready} condition is {@code True}. */
    public boolean ready() {
        return conditions.stream().anyMatch(c -> "Ready".equals(c.type()) && "True".equals(c.status()));
    }

    /** The node's roles, from {@code node-role.kubernetes.io/<role>} labels, sorted. */
    public List<String> roles() {
        String prefix = "node-role.kubernetes.io/";
        return labels.keySet().stream()
                .filter(k -> k.startsWith(prefix) && k.length() > prefix.length())
                .map(k -> k.substring(prefix.length()))
                .sorted()
                .toList();
    }

    /** A node taint. */
    public record Taint(String key, String value, String effect) {
    }

    /** A node condition. */
    public record Condition(String type, String status, String reason, String message, Instant lastTransitionTime) {
    }
}
