package io.podtally.k8s;

/**
 * A kubeconfig context that is not served because its name cannot be a cluster name.
 *
 * @param name the context's name as it can be shown: control characters escaped, at most 64 characters followed by
 *     {@code ...} when longer
 * @param reason the rule the name breaks
 */
public record RejectedCluster(String name, String reason) {
}
