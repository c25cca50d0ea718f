package io.podtally.k8s.fabric8;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeSpec;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeSystemInfo;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.podtally.k8s.NodeView;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** Converts a fabric8 {@link Node} into the slim {@link NodeView} podtally keeps. */
final class NodeViews {

    private NodeViews() {
    }

    static NodeView from(Node node) {
        ObjectMeta meta = node.getMetadata();
        NodeSpec spec = node.getSpec() != null ? node.getSpec() : new NodeSpec();
        NodeStatus status = node.getStatus() != null ? node.getStatus() : new NodeStatus();
        NodeSystemInfo info = status.getNodeInfo() != null ? status.getNodeInfo() : new NodeSystemInfo();
        return new NodeView(
                meta.getName(),
                sorted(meta.getLabels()),
                nonNull(spec.getTaints()).stream()
                        .map(t -> new NodeView.Taint(t.getKey(), t.getValue(), t.getEffect()))
                        .toList(),
                Boolean.TRUE.equals(spec.getUnschedulable()),
                nonNull(status.getConditions()).stream().map(NodeViews::condition).toList(),
                address(status.getAddresses(), "InternalIP"),
                address(status.getAddresses(), "ExternalIP"),
                quantities(status.getCapacity()),
                quantities(status.getAllocatable()),
                info.getKubeletVersion(),
                info.getOsImage(),
                info.getKernelVersion(),
                info.getContainerRuntimeVersion(),
                instant(meta.getCreationTimestamp()),
                meta.getUid());
    }

    private static NodeView.Condition condition(NodeCondition c) {
        return new NodeView.Condition(c.getType(), c.getStatus(), c.getReason(), c.getMessage(),
                instant(c.getLastTransitionTime()));
    }

    private static String address(List<NodeAddress> addresses, String type) {
        return nonNull(addresses).stream()
                .filter(a -> type.equals(a.getType()))
                .map(NodeAddress::getAddress)
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(null);
    }

    private static Map<String, String> quantities(Map<String, Quantity> quantities) {
        Map<String, String> result = new TreeMap<>();
        if (quantities != null) {
            quantities.forEach((k, v) -> {
                if (k != null && v != null) {
                    result.put(k, v.toString());
                }
            });
        }
        return Collections.unmodifiableMap(result);
    }

    private static Map<String, String> sorted(Map<String, String> map) {
        Map<String, String> result = new TreeMap<>();
        if (map != null) {
            map.forEach((k, v) -> {
                if (k != null) {
                    result.put(k, v == null ? "" : v);
                }
            });
        }
        return Collections.unmodifiableMap(result);
    }

    private static Instant instant(String timestamp) {
        if (timestamp == null || timestamp.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }
}
