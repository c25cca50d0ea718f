package io.podtally.k8s.sim;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import tools.jackson.core.JsonGenerator;

/**
 * A node as the API server renders it, with the bulk real nodes carry (managed fields, addresses,
 * conditions, node info, images), so that a node weighs about 9 KB.
 */
final class NodeJson {

    private NodeJson() {
    }

    static byte[] node(SimNode node) {
        return SimJson.write(9000, g -> write(g, node, true));
    }

    static Map<String, String> labels(SimNode node) {
        SplittableRandom random = new SplittableRandom(node.seed());
        Map<String, String> labels = new TreeMap<>();
        String zone = "europe-west1-" + (char) ('b' + random.nextInt(3));
        labels.put("beta.kubernetes.io/arch", "amd64");
        labels.put("beta.kubernetes.io/os", "linux");
        labels.put("kubernetes.io/arch", "amd64");
        labels.put("kubernetes.io/hostname", node.name());
        labels.put("kubernetes.io/os", "linux");
        labels.put("node.kubernetes.io/instance-type", instanceType(node));
        labels.put("topology.kubernetes.io/region", "europe-west1");
        labels.put("topology.kubernetes.io/zone", zone);
        if (node.controlPlane()) {
            labels.put("node-role.kubernetes.io/control-plane", "");
        } else {
            labels.put("node-role.kubernetes.io/worker", "");
            labels.put("node.podtally.io/pool", "pool-" + (1 + random.nextInt(3)));
        }
        labels.putAll(node.extraLabels());
        return labels;
    }

    private static String instanceType(SimNode node) {
        return "n2-standard-" + node.cpuCores();
    }

    /** The node's {@code metadata.uid}: the first value drawn from its seed, as {@link #write} draws it. */
    static String uid(SimNode node) {
        return SimJson.uid(new SplittableRandom(node.seed()));
    }

    static void write(JsonGenerator g, SimNode node, boolean withKind) {
        SplittableRandom random = new SplittableRandom(node.seed());
        String created = SimJson.time(node.createdEpochSecond());
        String internalIp = "10.0." + (node.seed() >>> 8 & 0xff) + "." + (node.seed() & 0xff);
        g.writeStartObject();
        if (withKind) {
            g.writeStringProperty("kind", "Node");
            g.writeStringProperty("apiVersion", "v1");
        }
        g.writeObjectPropertyStart("metadata");
        g.writeStringProperty("name", node.name());
        g.writeStringProperty("uid", SimJson.uid(random));
        g.writeStringProperty("resourceVersion", Long.toString(node.resourceVersion()));
        g.writeStringProperty("creationTimestamp", created);
        SimJson.stringMap(g, "labels", labels(node));
        g.writeObjectPropertyStart("annotations");
        g.writeStringProperty("node.alpha.kubernetes.io/ttl", "0");
        g.writeStringProperty("volumes.kubernetes.io/controller-managed-attach-detach", "true");
        g.writeStringProperty("csi.volume.kubernetes.io/nodeid", "{\"pd.csi.storage.gke.io\":\"projects/shop-prod/zones/europe-west1-b/instances/" + node.name() + "\"}");
        g.writeStringProperty("projectcalico.org/IPv4Address", internalIp + "/24");
        g.writeEndObject();
        g.writeArrayPropertyStart("managedFields");
        SimJson.managedField(g, "kubelet", "Update", created, null,
                "{\"f:metadata\":{\"f:annotations\":{\".\":{},\"f:node.alpha.kubernetes.io/ttl\":{},\"f:volumes.kubernetes.io/controller-managed-attach-detach\":{}},\"f:labels\":{\".\":{},\"f:beta.kubernetes.io/arch\":{},\"f:beta.kubernetes.io/os\":{},\"f:kubernetes.io/arch\":{},\"f:kubernetes.io/hostname\":{},\"f:kubernetes.io/os\":{}}},\"f:spec\":{\"f:podCIDR\":{},\"f:podCIDRs\":{\".\":{},\"v:\\\"10.244.0.0/24\\\"\":{}}}}");
        SimJson.managedField(g, "kubelet", "Update", created, "status",
                "{\"f:status\":{\"f:allocatable\":{\"f:cpu\":{},\"f:memory\":{}},\"f:capacity\":{\"f:cpu\":{},\"f:memory\":{}},\"f:conditions\":{\"k:{\\\"type\\\":\\\"DiskPressure\\\"}\":{\"f:lastHeartbeatTime\":{}},\"k:{\\\"type\\\":\\\"MemoryPressure\\\"}\":{\"f:lastHeartbeatTime\":{}},\"k:{\\\"type\\\":\\\"PIDPressure\\\"}\":{\"f:lastHeartbeatTime\":{}},\"k:{\\\"type\\\":\\\"Ready\\\"}\":{\"f:lastHeartbeatTime\":{},\"f:lastTransitionTime\":{},\"f:message\":{},\"f:reason\":{},\"f:status\":{}}},\"f:images\":{},\"f:nodeInfo\":{\"f:bootID\":{}}}}");
        g.writeEndArray();
        g.writeEndObject();

        g.writeObjectPropertyStart("spec");
        g.writeStringProperty("podCIDR", "10.244." + (node.seed() & 0xff) + ".0/24");
        g.writeArrayPropertyStart("podCIDRs");
        g.writeString("10.244." + (node.seed() & 0xff) + ".0/24");
        g.writeEndArray();
        g.writeStringProperty("providerID", "gce://shop-prod/europe-west1-b/" + node.name());
        if (node.unschedulable()) {
            g.writeBooleanProperty("unschedulable", true);
        }
        if (node.controlPlane() || node.unschedulable() || !node.ready()) {
            g.writeArrayPropertyStart("taints");
            if (node.controlPlane()) {
                taint(g, "node-role.kubernetes.io/control-plane", null, "NoSchedule", null);
            }
            if (node.unschedulable()) {
                taint(g, "node.kubernetes.io/unschedulable", null, "NoSchedule", SimJson.time(node.createdEpochSecond()));
            }
            if (!node.ready()) {
                taint(g, "node.kubernetes.io/not-ready", null, "NoSchedule", null);
                taint(g, "node.kubernetes.io/not-ready", null, "NoExecute", SimJson.time(node.createdEpochSecond()));
            }
            g.writeEndArray();
        }
        g.writeEndObject();

        g.writeObjectPropertyStart("status");
        g.writeObjectPropertyStart("capacity");
        g.writeStringProperty("cpu", Integer.toString(node.cpuCores()));
        g.writeStringProperty("ephemeral-storage", "101430960Ki");
        g.writeStringProperty("hugepages-1Gi", "0");
        g.writeStringProperty("hugepages-2Mi", "0");
        g.writeStringProperty("memory", node.memoryKi() + "Ki");
        g.writeStringProperty("pods", Integer.toString(node.maxPods()));
        g.writeEndObject();
        g.writeObjectPropertyStart("allocatable");
        g.writeStringProperty("cpu", (node.cpuCores() * 1000 - 70 - node.cpuCores() * 10) + "m");
        g.writeStringProperty("ephemeral-storage", "47093746742");
        g.writeStringProperty("hugepages-1Gi", "0");
        g.writeStringProperty("hugepages-2Mi", "0");
        g.writeStringProperty("memory", (node.memoryKi() - node.memoryKi() / 12) + "Ki");
        g.writeStringProperty("pods", Integer.toString(node.maxPods()));
        g.writeEndObject();
        String heartbeat = SimJson.time(node.createdEpochSecond() + 86_400L * 30 + random.nextInt(3600));
        String since = SimJson.time(node.createdEpochSecond() + 60);
        g.writeArrayPropertyStart("conditions");
        nodeCondition(g, "MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available", heartbeat, since);
        nodeCondition(g, "DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", heartbeat, since);
        nodeCondition(g, "PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available", heartbeat, since);
        if (node.ready()) {
            nodeCondition(g, "Ready", "True", "KubeletReady", "kubelet is posting ready status", heartbeat, since);
        } else {
            nodeCondition(g, "Ready", "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.", heartbeat, heartbeat);
        }
        g.writeEndArray();
        g.writeArrayPropertyStart("addresses");
        address(g, "InternalIP", internalIp);
        if (!node.controlPlane()) {
            address(g, "ExternalIP", "34." + (78 + random.nextInt(20)) + "." + random.nextInt(256) + "." + random.nextInt(256));
        }
        address(g, "Hostname", node.name());
        g.writeEndArray();
        g.writeObjectPropertyStart("daemonEndpoints");
        g.writeObjectPropertyStart("kubeletEndpoint");
        g.writeNumberProperty("Port", 10250);
        g.writeEndObject();
        g.writeEndObject();
        g.writeObjectPropertyStart("nodeInfo");
        g.writeStringProperty("machineID", SimJson.hex(random, 32));
        g.writeStringProperty("systemUUID", SimJson.uid(random));
        g.writeStringProperty("bootID", SimJson.uid(random));
        g.writeStringProperty("kernelVersion", "6.1.0-28-cloud-amd64");
        g.writeStringProperty("osImage", "Debian GNU/Linux 12 (bookworm)");
        g.writeStringProperty("containerRuntimeVersion", "containerd://1.7.24");
        g.writeStringProperty("kubeletVersion", "v1.31.4");
        g.writeStringProperty("kubeProxyVersion", "v1.31.4");
        g.writeStringProperty("operatingSystem", "linux");
        g.writeStringProperty("architecture", "amd64");
        g.writeEndObject();
        g.writeArrayPropertyStart("images");
        for (int i = 0; i < 16; i++) {
            g.writeStartObject();
            g.writeArrayPropertyStart("names");
            String image = SimJson.REGISTRIES[i % SimJson.REGISTRIES.length] + "/image-" + i;
            g.writeString(image + "@sha256:" + SimJson.hex(random, 64));
            g.writeString(image + ":v1." + i + "." + random.nextInt(10));
            g.writeEndArray();
            g.writeNumberProperty("sizeBytes", 10_000_000L + random.nextInt(400_000_000));
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void taint(JsonGenerator g, String key, String value, String effect, String timeAdded) {
        g.writeStartObject();
        g.writeStringProperty("key", key);
        if (value != null) {
            g.writeStringProperty("value", value);
        }
        g.writeStringProperty("effect", effect);
        if (timeAdded != null) {
            g.writeStringProperty("timeAdded", timeAdded);
        }
        g.writeEndObject();
    }

    private static void nodeCondition(JsonGenerator g, String type, String status, String reason, String message,
            String heartbeat, String transition) {
        g.writeStartObject();
        g.writeStringProperty("type", type);
        g.writeStringProperty("status", status);
        g.writeStringProperty("lastHeartbeatTime", heartbeat);
        g.writeStringProperty("lastTransitionTime", transition);
        g.writeStringProperty("reason", reason);
        g.writeStringProperty("message", message);
        g.writeEndObject();
    }

    private static void address(JsonGenerator g, String type, String address) {
        g.writeStartObject();
        g.writeStringProperty("type", type);
        g.writeStringProperty("address", address);
        g.writeEndObject();
    }
}
