package io.podtally.k8s.sim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Renders the simulated objects as the API server does: real field names, and the bulk real
 * objects carry (managed fields, probes, projected service-account volumes, tolerations,
 * container statuses, node images), so that a pod weighs 3-6 KB like in real clusters.
 */
final class SimJson {

    private static final JsonFactory JSON = new JsonFactory();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ISO_INSTANT;
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final char[] NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789".toCharArray();
    private static final String[] REGISTRIES = {"registry.k8s.io", "docker.io/library", "quay.io/prometheus",
        "ghcr.io/podtally-sim", "europe-docker.pkg.dev/shop-prod/apps"};

    private SimJson() {
    }

    static byte[] write(int sizeHint, Consumer<JsonGenerator> body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(sizeHint);
        try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
            body.accept(g);
        }
        return out.toByteArray();
    }

    static String time(long epochSecond) {
        return TIME.format(Instant.ofEpochSecond(epochSecond));
    }

    static String randomName(SplittableRandom random, int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = NAME_CHARS[random.nextInt(NAME_CHARS.length)];
        }
        return new String(chars);
    }

    static String hex(SplittableRandom random, int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = HEX[random.nextInt(16)];
        }
        return new String(chars);
    }

    static String uid(SplittableRandom random) {
        String h = hex(random, 32);
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-4" + h.substring(13, 16) + "-a" + h.substring(17, 20)
                + "-" + h.substring(20);
    }

    // ---------------------------------------------------------------- lists

    static byte[] podList(List<SimPod> items, long resourceVersion, String continueToken, Long remainingItemCount) {
        return list("PodList", items, 4600, resourceVersion, continueToken, remainingItemCount,
                (g, pod) -> pod(g, pod, false));
    }

    private static <T> byte[] list(String kind, Collection<T> items, int bytesPerItem, long resourceVersion,
            String continueToken, Long remainingItemCount, BiConsumer<JsonGenerator, T> item) {
        return write(items.size() * bytesPerItem + 256, g -> {
            g.writeStartObject();
            g.writeStringProperty("kind", kind);
            g.writeStringProperty("apiVersion", "v1");
            g.writeObjectPropertyStart("metadata");
            g.writeStringProperty("resourceVersion", Long.toString(resourceVersion));
            if (continueToken != null) {
                g.writeStringProperty("continue", continueToken);
            }
            if (remainingItemCount != null) {
                g.writeNumberProperty("remainingItemCount", remainingItemCount.longValue());
            }
            g.writeEndObject();
            g.writeArrayPropertyStart("items");
            for (T each : items) {
                item.accept(g, each);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** What each row of a {@code Table} carries besides its cells ({@code includeObject}). */
    enum IncludeObject {
        NONE, METADATA, OBJECT;

        static IncludeObject parse(String value) {
            if (value == null || value.isEmpty()) {
                return METADATA;
            }
            return switch (value) {
                case "None" -> NONE;
                case "Metadata" -> METADATA;
                case "Object" -> OBJECT;
                default -> throw new IllegalArgumentException("includeObject: Unsupported value: \"" + value
                        + "\": supported values: \"Metadata\", \"None\", \"Object\"");
            };
        }
    }

    private record Column(String name, String format, String description, int priority) {
    }

    private static final List<Column> POD_COLUMNS = List.of(
            new Column("Name", "name", "Name must be unique within a namespace. It is required when creating "
                    + "resources, although some resources may allow a client to request the generation of an "
                    + "appropriate name automatically.", 0),
            new Column("Ready", "", "The aggregate readiness state of this pod for accepting traffic.", 0),
            new Column("Status", "", "The aggregate status of the containers in this pod.", 0),
            new Column("Restarts", "", "The number of times the containers in this pod have been restarted and "
                    + "when the last container in this pod has restarted.", 0),
            new Column("Age", "", "CreationTimestamp is a timestamp representing the server time when this "
                    + "object was created.", 0),
            new Column("IP", "", "IP address allocated to the pod. Routable at least within the cluster.", 1),
            new Column("Node", "", "NodeName is a request to schedule this pod onto a specific node.", 1),
            new Column("Nominated Node", "", "nominatedNodeName is set when this pod preempts other pods on the "
                    + "node, but it cannot be scheduled right away as preemption victims receive their graceful "
                    + "termination periods.", 1),
            new Column("Readiness Gates", "", "If specified, all readiness gates will be evaluated for pod "
                    + "readiness.", 1));

    /**
     * A page of pods as the server-side {@code Table} ({@code meta.k8s.io/v1}) that kubectl asks for:
     * the pod printer's columns, one row of cells per pod and, unless {@code include} is
     * {@link IncludeObject#NONE}, the pod's metadata or the whole pod as the row's {@code object}.
     */
    static byte[] podTable(List<SimPod> items, long resourceVersion, String continueToken, Long remainingItemCount,
            IncludeObject include, long nowEpochSecond) {
        int perRow = switch (include) {
            case NONE -> 160;
            case METADATA -> 2200;
            case OBJECT -> 4800;
        };
        return write(items.size() * perRow + 2048, g -> {
            g.writeStartObject();
            g.writeStringProperty("kind", "Table");
            g.writeStringProperty("apiVersion", "meta.k8s.io/v1");
            g.writeObjectPropertyStart("metadata");
            g.writeStringProperty("resourceVersion", Long.toString(resourceVersion));
            if (continueToken != null) {
                g.writeStringProperty("continue", continueToken);
            }
            if (remainingItemCount != null) {
                g.writeNumberProperty("remainingItemCount", remainingItemCount.longValue());
            }
            g.writeEndObject();
            g.writeArrayPropertyStart("columnDefinitions");
            for (Column column : POD_COLUMNS) {
                g.writeStartObject();
                g.writeStringProperty("name", column.name());
                g.writeStringProperty("type", "string");
                g.writeStringProperty("format", column.format());
                g.writeStringProperty("description", column.description());
                g.writeNumberProperty("priority", column.priority());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayPropertyStart("rows");
            for (SimPod pod : items) {
                podRow(g, pod, include, nowEpochSecond);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static void podRow(JsonGenerator g, SimPod pod, IncludeObject include, long now) {
        Look look = look(pod);
        boolean scheduled = pod.nodeName() != null;
        g.writeStartObject();
        g.writeArrayPropertyStart("cells");
        g.writeString(pod.name());
        g.writeString(pod.phase() == SimPod.Phase.RUNNING ? "1/1" : "0/1");
        g.writeString(switch (pod.phase()) {
            case RUNNING -> "Running";
            case PENDING -> scheduled ? "ContainerCreating" : "Pending";
            case SUCCEEDED -> "Completed";
            case FAILED -> "OOMKilled";
        });
        if (look.restarts() == 0) {
            g.writeString("0");
        } else {
            long lastRestart = Math.max(pod.createdEpochSecond(), now - 3600L * (1 + look.restarts() * 7L));
            g.writeString(look.restarts() + " (" + age(now - lastRestart) + " ago)");
        }
        g.writeString(age(now - pod.createdEpochSecond()));
        g.writeString(scheduled && pod.phase() != SimPod.Phase.PENDING ? look.podIp() : "<none>");
        g.writeString(scheduled ? pod.nodeName() : "<none>");
        g.writeString("<none>");
        g.writeString("<none>");
        g.writeEndArray();
        switch (include) {
            case METADATA -> {
                g.writeObjectPropertyStart("object");
                g.writeStringProperty("kind", "PartialObjectMetadata");
                g.writeStringProperty("apiVersion", "meta.k8s.io/v1");
                podMetadata(g, pod, look);
                g.writeEndObject();
            }
            case OBJECT -> {
                g.writeName("object");
                pod(g, pod, true);
            }
            default -> {
            }
        }
        g.writeEndObject();
    }

    /** An age as kubectl prints it: {@code 45s}, {@code 5m12s}, {@code 3h20m}, {@code 5d3h}, {@code 400d}, {@code 2y40d}. */
    static String age(long seconds) {
        if (seconds < -1) {
            return "<invalid>";
        }
        if (seconds < 0) {
            return "0s";
        }
        if (seconds < 120) {
            return seconds + "s";
        }
        long minutes = seconds / 60;
        if (minutes < 10) {
            long s = seconds % 60;
            return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
        }
        if (minutes < 180) {
            return minutes + "m";
        }
        long hours = minutes / 60;
        if (hours < 8) {
            long m = minutes % 60;
            return m == 0 ? hours + "h" : hours + "h" + m + "m";
        }
        if (hours < 48) {
            return hours + "h";
        }
        if (hours < 24 * 8) {
            long h = hours % 24;
            return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
        }
        if (hours < 24 * 365 * 2) {
            return hours / 24 + "d";
        }
        if (hours < 24 * 365 * 8) {
            long d = (hours / 24) % 365;
            return d == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + d + "d";
        }
        return hours / 24 / 365 + "y";
    }

    static byte[] nodeList(Collection<SimNode> items, long resourceVersion, String continueToken,
            Long remainingItemCount) {
        return list("NodeList", items, 9000, resourceVersion, continueToken, remainingItemCount,
                (g, node) -> node(g, node, false));
    }

    static byte[] node(SimNode node) {
        return write(9000, g -> node(g, node, true));
    }

    static String nodeEvent(String type, SimNode node) {
        return new String(write(9000, g -> {
            g.writeStartObject();
            g.writeStringProperty("type", type);
            g.writeName("object");
            node(g, node, true);
            g.writeEndObject();
        }), StandardCharsets.UTF_8);
    }

    static String podEvent(String type, SimPod pod) {
        return new String(write(5000, g -> {
            g.writeStartObject();
            g.writeStringProperty("type", type);
            g.writeName("object");
            pod(g, pod, true);
            g.writeEndObject();
        }), StandardCharsets.UTF_8);
    }

    static String errorEvent(int code, String reason, String message) {
        return new String(write(256, g -> {
            g.writeStartObject();
            g.writeStringProperty("type", "ERROR");
            g.writeName("object");
            status(g, code, reason, message);
            g.writeEndObject();
        }), StandardCharsets.UTF_8);
    }

    static byte[] status(int code, String reason, String message) {
        return write(256, g -> status(g, code, reason, message));
    }

    private static void status(JsonGenerator g, int code, String reason, String message) {
        g.writeStartObject();
        g.writeStringProperty("kind", "Status");
        g.writeStringProperty("apiVersion", "v1");
        g.writeObjectPropertyStart("metadata");
        g.writeEndObject();
        g.writeStringProperty("status", "Failure");
        g.writeStringProperty("message", message);
        g.writeStringProperty("reason", reason);
        g.writeNumberProperty("code", code);
        g.writeEndObject();
    }

    // ---------------------------------------------------------------- metrics

    /** One node's usage as metrics-server reports it. */
    record Usage(String node, Map<String, String> labels, long cpuNanoCores, long memoryKi) {
    }

    static byte[] nodeMetricsList(List<Usage> usages, long now) {
        return write(usages.size() * 400 + 128, g -> {
            g.writeStartObject();
            g.writeStringProperty("kind", "NodeMetricsList");
            g.writeStringProperty("apiVersion", "metrics.k8s.io/v1beta1");
            g.writeObjectPropertyStart("metadata");
            g.writeEndObject();
            g.writeArrayPropertyStart("items");
            for (Usage usage : usages) {
                nodeMetrics(g, usage, now, false);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    static byte[] nodeMetrics(Usage usage, long now) {
        return write(512, g -> nodeMetrics(g, usage, now, true));
    }

    private static void nodeMetrics(JsonGenerator g, Usage usage, long now, boolean withKind) {
        g.writeStartObject();
        if (withKind) {
            g.writeStringProperty("kind", "NodeMetrics");
            g.writeStringProperty("apiVersion", "metrics.k8s.io/v1beta1");
        }
        g.writeObjectPropertyStart("metadata");
        g.writeStringProperty("name", usage.node());
        g.writeStringProperty("creationTimestamp", time(now));
        stringMap(g, "labels", usage.labels());
        g.writeEndObject();
        g.writeStringProperty("timestamp", time(now - 12));
        g.writeStringProperty("window", "20.044s");
        g.writeObjectPropertyStart("usage");
        g.writeStringProperty("cpu", usage.cpuNanoCores() + "n");
        g.writeStringProperty("memory", usage.memoryKi() + "Ki");
        g.writeEndObject();
        g.writeEndObject();
    }

    // ---------------------------------------------------------------- nodes

    static Map<String, String> nodeLabels(SimNode node) {
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

    private static void node(JsonGenerator g, SimNode node, boolean withKind) {
        SplittableRandom random = new SplittableRandom(node.seed());
        String created = time(node.createdEpochSecond());
        String internalIp = "10.0." + (node.seed() >>> 8 & 0xff) + "." + (node.seed() & 0xff);
        g.writeStartObject();
        if (withKind) {
            g.writeStringProperty("kind", "Node");
            g.writeStringProperty("apiVersion", "v1");
        }
        g.writeObjectPropertyStart("metadata");
        g.writeStringProperty("name", node.name());
        g.writeStringProperty("uid", uid(random));
        g.writeStringProperty("resourceVersion", Long.toString(node.resourceVersion()));
        g.writeStringProperty("creationTimestamp", created);
        stringMap(g, "labels", nodeLabels(node));
        g.writeObjectPropertyStart("annotations");
        g.writeStringProperty("node.alpha.kubernetes.io/ttl", "0");
        g.writeStringProperty("volumes.kubernetes.io/controller-managed-attach-detach", "true");
        g.writeStringProperty("csi.volume.kubernetes.io/nodeid", "{\"pd.csi.storage.gke.io\":\"projects/shop-prod/zones/europe-west1-b/instances/" + node.name() + "\"}");
        g.writeStringProperty("projectcalico.org/IPv4Address", internalIp + "/24");
        g.writeEndObject();
        g.writeArrayPropertyStart("managedFields");
        managedField(g, "kubelet", "Update", created, null,
                "{\"f:metadata\":{\"f:annotations\":{\".\":{},\"f:node.alpha.kubernetes.io/ttl\":{},\"f:volumes.kubernetes.io/controller-managed-attach-detach\":{}},\"f:labels\":{\".\":{},\"f:beta.kubernetes.io/arch\":{},\"f:beta.kubernetes.io/os\":{},\"f:kubernetes.io/arch\":{},\"f:kubernetes.io/hostname\":{},\"f:kubernetes.io/os\":{}}},\"f:spec\":{\"f:podCIDR\":{},\"f:podCIDRs\":{\".\":{},\"v:\\\"10.244.0.0/24\\\"\":{}}}}");
        managedField(g, "kubelet", "Update", created, "status",
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
                taint(g, "node.kubernetes.io/unschedulable", null, "NoSchedule", time(node.createdEpochSecond()));
            }
            if (!node.ready()) {
                taint(g, "node.kubernetes.io/not-ready", null, "NoSchedule", null);
                taint(g, "node.kubernetes.io/not-ready", null, "NoExecute", time(node.createdEpochSecond()));
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
        String heartbeat = time(node.createdEpochSecond() + 86_400L * 30 + random.nextInt(3600));
        String since = time(node.createdEpochSecond() + 60);
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
        g.writeStringProperty("machineID", hex(random, 32));
        g.writeStringProperty("systemUUID", uid(random));
        g.writeStringProperty("bootID", uid(random));
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
            String image = REGISTRIES[i % REGISTRIES.length] + "/image-" + i;
            g.writeString(image + "@sha256:" + hex(random, 64));
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

    private static void managedField(JsonGenerator g, String manager, String operation, String time, String subresource,
            String fields) {
        g.writeStartObject();
        g.writeStringProperty("manager", manager);
        g.writeStringProperty("operation", operation);
        g.writeStringProperty("apiVersion", "v1");
        g.writeStringProperty("time", time);
        g.writeStringProperty("fieldsType", "FieldsV1");
        g.writeName("fieldsV1");
        g.writeRawValue(fields);
        if (subresource != null) {
            g.writeStringProperty("subresource", subresource);
        }
        g.writeEndObject();
    }

    private static void stringMap(JsonGenerator g, String name, Map<String, String> map) {
        g.writeObjectPropertyStart(name);
        for (Map.Entry<String, String> e : map.entrySet()) {
            g.writeStringProperty(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    // ---------------------------------------------------------------- pods

    private static final String POD_SPEC_FIELDS = "{\"f:metadata\":{\"f:generateName\":{},\"f:labels\":{\".\":{},"
            + "\"f:app.kubernetes.io/instance\":{},\"f:app.kubernetes.io/name\":{}},\"f:ownerReferences\":{\".\":{},"
            + "\"k:{\\\"uid\\\":\\\"00000000-0000-0000-0000-000000000000\\\"}\":{}}},\"f:spec\":{\"f:containers\":{"
            + "\"k:{\\\"name\\\":\\\"app\\\"}\":{\".\":{},\"f:env\":{\".\":{},\"k:{\\\"name\\\":\\\"LOG_LEVEL\\\"}\":{"
            + "\".\":{},\"f:name\":{},\"f:value\":{}}},\"f:image\":{},\"f:imagePullPolicy\":{},\"f:livenessProbe\":{"
            + "\".\":{},\"f:failureThreshold\":{},\"f:httpGet\":{\".\":{},\"f:path\":{},\"f:port\":{},\"f:scheme\":{}},"
            + "\"f:periodSeconds\":{}},\"f:name\":{},\"f:ports\":{\".\":{},\"k:{\\\"containerPort\\\":8080,"
            + "\\\"protocol\\\":\\\"TCP\\\"}\":{\".\":{},\"f:containerPort\":{},\"f:name\":{},\"f:protocol\":{}}},"
            + "\"f:resources\":{\".\":{},\"f:limits\":{\".\":{},\"f:memory\":{}},\"f:requests\":{\".\":{},\"f:cpu\":{},"
            + "\"f:memory\":{}}},\"f:terminationMessagePath\":{},\"f:terminationMessagePolicy\":{}}},"
            + "\"f:dnsPolicy\":{},\"f:enableServiceLinks\":{},\"f:restartPolicy\":{},\"f:schedulerName\":{},"
            + "\"f:securityContext\":{},\"f:terminationGracePeriodSeconds\":{}}}";

    private static final String POD_STATUS_FIELDS = "{\"f:status\":{\"f:conditions\":{"
            + "\"k:{\\\"type\\\":\\\"ContainersReady\\\"}\":{\".\":{},\"f:lastProbeTime\":{},\"f:lastTransitionTime\":{},"
            + "\"f:status\":{},\"f:type\":{}},\"k:{\\\"type\\\":\\\"Initialized\\\"}\":{\".\":{},\"f:lastProbeTime\":{},"
            + "\"f:lastTransitionTime\":{},\"f:status\":{},\"f:type\":{}},\"k:{\\\"type\\\":\\\"Ready\\\"}\":{\".\":{},"
            + "\"f:lastProbeTime\":{},\"f:lastTransitionTime\":{},\"f:status\":{},\"f:type\":{}}},"
            + "\"f:containerStatuses\":{},\"f:hostIP\":{},\"f:hostIPs\":{},\"f:phase\":{},\"f:podIP\":{},"
            + "\"f:podIPs\":{\".\":{},\"k:{\\\"ip\\\":\\\"10.244.0.1\\\"}\":{\".\":{},\"f:ip\":{}}},\"f:startTime\":{}}}";

    /** The generated details of a pod that its document and its table row share. */
    private record Look(String created, String started, String ready, String ownerUid, String image,
            String tokenVolume, String hostIp, String podIp, int cpuRequest, int memoryRequest, String uid,
            int restarts, SplittableRandom random) {
    }

    private static Look look(SimPod pod) {
        SplittableRandom random = new SplittableRandom(pod.seed());
        String created = time(pod.createdEpochSecond());
        String started = time(pod.createdEpochSecond() + 2 + random.nextInt(20));
        String ready = time(pod.createdEpochSecond() + 25 + random.nextInt(40));
        String ownerUid = uid(new SplittableRandom(pod.app().hashCode() * 31L + pod.namespace().hashCode()));
        String registry = REGISTRIES[Math.floorMod(pod.app().hashCode(), REGISTRIES.length)];
        String image = registry + "/" + pod.app() + ":1." + Math.floorMod(pod.app().hashCode(), 30) + "." + random.nextInt(8);
        String tokenVolume = "kube-api-access-" + randomName(random, 5);
        boolean scheduled = pod.nodeName() != null;
        String hostIp = scheduled ? "10.0." + Math.floorMod(pod.nodeName().hashCode(), 256) + "." + Math.floorMod(pod.nodeName().hashCode() >> 8, 256) : null;
        String podIp = "10.244." + random.nextInt(256) + "." + (1 + random.nextInt(254));
        int cpuRequest = 50 * (1 + random.nextInt(8));
        int memoryRequest = 64 * (1 + random.nextInt(16));
        String uid = uid(random);
        int restarts = random.nextInt(10) == 0 ? 1 + random.nextInt(4) : 0;
        return new Look(created, started, ready, ownerUid, image, tokenVolume, hostIp, podIp, cpuRequest, memoryRequest,
                uid, restarts, random);
    }

    private static void pod(JsonGenerator g, SimPod pod, boolean withKind) {
        Look look = look(pod);
        SplittableRandom random = look.random();
        String created = look.created();
        String started = look.started();
        String ready = look.ready();
        String image = look.image();
        String tokenVolume = look.tokenVolume();
        boolean scheduled = pod.nodeName() != null;
        String hostIp = look.hostIp();
        String podIp = look.podIp();
        int cpuRequest = look.cpuRequest();
        int memoryRequest = look.memoryRequest();

        g.writeStartObject();
        if (withKind) {
            g.writeStringProperty("kind", "Pod");
            g.writeStringProperty("apiVersion", "v1");
        }
        podMetadata(g, pod, look);

        // spec
        g.writeObjectPropertyStart("spec");
        g.writeArrayPropertyStart("volumes");
        g.writeStartObject();
        g.writeStringProperty("name", "config");
        g.writeObjectPropertyStart("configMap");
        g.writeStringProperty("name", pod.app() + "-config");
        g.writeNumberProperty("defaultMode", 420);
        g.writeEndObject();
        g.writeEndObject();
        g.writeStartObject();
        g.writeStringProperty("name", tokenVolume);
        g.writeObjectPropertyStart("projected");
        g.writeArrayPropertyStart("sources");
        g.writeStartObject();
        g.writeObjectPropertyStart("serviceAccountToken");
        g.writeNumberProperty("expirationSeconds", 3607);
        g.writeStringProperty("path", "token");
        g.writeEndObject();
        g.writeEndObject();
        g.writeStartObject();
        g.writeObjectPropertyStart("configMap");
        g.writeStringProperty("name", "kube-root-ca.crt");
        g.writeArrayPropertyStart("items");
        g.writeStartObject();
        g.writeStringProperty("key", "ca.crt");
        g.writeStringProperty("path", "ca.crt");
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndObject();
        g.writeStartObject();
        g.writeObjectPropertyStart("downwardAPI");
        g.writeArrayPropertyStart("items");
        g.writeStartObject();
        g.writeStringProperty("path", "namespace");
        g.writeObjectPropertyStart("fieldRef");
        g.writeStringProperty("apiVersion", "v1");
        g.writeStringProperty("fieldPath", "metadata.namespace");
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndArray();
        g.writeNumberProperty("defaultMode", 420);
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndArray();

        g.writeArrayPropertyStart("containers");
        g.writeStartObject();
        g.writeStringProperty("name", "app");
        g.writeStringProperty("image", image);
        g.writeArrayPropertyStart("ports");
        g.writeStartObject();
        g.writeStringProperty("name", "http");
        g.writeNumberProperty("containerPort", 8080);
        g.writeStringProperty("protocol", "TCP");
        g.writeEndObject();
        g.writeEndArray();
        g.writeArrayPropertyStart("env");
        g.writeStartObject();
        g.writeStringProperty("name", "LOG_LEVEL");
        g.writeStringProperty("value", "info");
        g.writeEndObject();
        g.writeEndArray();
        g.writeObjectPropertyStart("resources");
        g.writeObjectPropertyStart("limits");
        g.writeStringProperty("memory", memoryRequest * 2 + "Mi");
        g.writeEndObject();
        g.writeObjectPropertyStart("requests");
        g.writeStringProperty("cpu", cpuRequest + "m");
        g.writeStringProperty("memory", memoryRequest + "Mi");
        g.writeEndObject();
        g.writeEndObject();
        g.writeArrayPropertyStart("volumeMounts");
        volumeMount(g, "config", "/etc/" + pod.app());
        volumeMount(g, tokenVolume, "/var/run/secrets/kubernetes.io/serviceaccount");
        g.writeEndArray();
        probe(g, "livenessProbe", "/healthz");
        g.writeStringProperty("terminationMessagePath", "/dev/termination-log");
        g.writeStringProperty("terminationMessagePolicy", "File");
        g.writeStringProperty("imagePullPolicy", "IfNotPresent");
        g.writeEndObject();
        g.writeEndArray();
        g.writeStringProperty("restartPolicy", pod.workload() == SimPod.Workload.JOB ? "OnFailure" : "Always");
        g.writeNumberProperty("terminationGracePeriodSeconds", 30);
        g.writeStringProperty("dnsPolicy", "ClusterFirst");
        g.writeStringProperty("serviceAccountName", "default");
        g.writeStringProperty("serviceAccount", "default");
        if (scheduled) {
            g.writeStringProperty("nodeName", pod.nodeName());
        }
        g.writeObjectPropertyStart("securityContext");
        g.writeNumberProperty("fsGroup", 2000);
        g.writeEndObject();
        g.writeStringProperty("schedulerName", "default-scheduler");
        g.writeArrayPropertyStart("tolerations");
        toleration(g, "node.kubernetes.io/not-ready");
        toleration(g, "node.kubernetes.io/unreachable");
        g.writeEndArray();
        g.writeNumberProperty("priority", 0);
        g.writeBooleanProperty("enableServiceLinks", true);
        g.writeStringProperty("preemptionPolicy", "PreemptLowerPriority");
        g.writeEndObject();

        // status
        g.writeObjectPropertyStart("status");
        g.writeStringProperty("phase", pod.phase().apiName());
        g.writeArrayPropertyStart("conditions");
        if (!scheduled) {
            g.writeStartObject();
            g.writeStringProperty("type", "PodScheduled");
            g.writeStringProperty("status", "False");
            g.writeName("lastProbeTime");
            g.writeNull();
            g.writeStringProperty("lastTransitionTime", created);
            g.writeStringProperty("reason", "Unschedulable");
            g.writeStringProperty("message", "0/" + (5 + random.nextInt(100)) + " nodes are available: insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.");
            g.writeEndObject();
        } else {
            boolean running = pod.phase() == SimPod.Phase.RUNNING;
            podCondition(g, "PodReadyToStartContainers", pod.phase() == SimPod.Phase.PENDING ? "False" : "True", started);
            podCondition(g, "Initialized", "True", created);
            podCondition(g, "Ready", running ? "True" : "False", ready);
            podCondition(g, "ContainersReady", running ? "True" : "False", ready);
            podCondition(g, "PodScheduled", "True", created);
        }
        g.writeEndArray();
        if (!scheduled) {
            g.writeStringProperty("qosClass", "Burstable");
            g.writeEndObject();
            g.writeEndObject();
            return;
        }
        g.writeStringProperty("hostIP", hostIp);
        g.writeArrayPropertyStart("hostIPs");
        g.writeStartObject();
        g.writeStringProperty("ip", hostIp);
        g.writeEndObject();
        g.writeEndArray();
        if (pod.phase() != SimPod.Phase.PENDING) {
            g.writeStringProperty("podIP", podIp);
            g.writeArrayPropertyStart("podIPs");
            g.writeStartObject();
            g.writeStringProperty("ip", podIp);
            g.writeEndObject();
            g.writeEndArray();
        }
        g.writeStringProperty("startTime", started);
        g.writeArrayPropertyStart("containerStatuses");
        g.writeStartObject();
        g.writeStringProperty("name", "app");
        g.writeObjectPropertyStart("state");
        switch (pod.phase()) {
            case RUNNING -> {
                g.writeObjectPropertyStart("running");
                g.writeStringProperty("startedAt", started);
                g.writeEndObject();
            }
            case PENDING -> {
                g.writeObjectPropertyStart("waiting");
                g.writeStringProperty("reason", "ContainerCreating");
                g.writeEndObject();
            }
            default -> {
                boolean ok = pod.phase() == SimPod.Phase.SUCCEEDED;
                g.writeObjectPropertyStart("terminated");
                g.writeNumberProperty("exitCode", ok ? 0 : 137);
                g.writeStringProperty("reason", ok ? "Completed" : "OOMKilled");
                g.writeStringProperty("startedAt", started);
                g.writeStringProperty("finishedAt", ready);
                g.writeStringProperty("containerID", "containerd://" + hex(random, 64));
                g.writeEndObject();
            }
        }
        g.writeEndObject();
        g.writeObjectPropertyStart("lastState");
        g.writeEndObject();
        g.writeBooleanProperty("ready", pod.phase() == SimPod.Phase.RUNNING);
        g.writeNumberProperty("restartCount", look.restarts());
        g.writeStringProperty("image", image);
        if (pod.phase() != SimPod.Phase.PENDING) {
            g.writeStringProperty("imageID", image.substring(0, image.lastIndexOf(':')) + "@sha256:" + hex(random, 64));
            g.writeStringProperty("containerID", "containerd://" + hex(random, 64));
        }
        g.writeBooleanProperty("started", pod.phase() == SimPod.Phase.RUNNING);
        g.writeArrayPropertyStart("volumeMounts");
        volumeMountStatus(g, "config", "/etc/" + pod.app());
        volumeMountStatus(g, tokenVolume, "/var/run/secrets/kubernetes.io/serviceaccount");
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndArray();
        g.writeStringProperty("qosClass", "Burstable");
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void podMetadata(JsonGenerator g, SimPod pod, Look look) {
        g.writeObjectPropertyStart("metadata");
        g.writeStringProperty("name", pod.name());
        if (pod.workload() != SimPod.Workload.STATEFUL_SET) {
            g.writeStringProperty("generateName", pod.name().substring(0, pod.name().lastIndexOf('-') + 1));
        }
        g.writeStringProperty("namespace", pod.namespace());
        g.writeStringProperty("uid", look.uid());
        g.writeStringProperty("resourceVersion", Long.toString(pod.resourceVersion()));
        g.writeStringProperty("creationTimestamp", look.created());
        g.writeObjectPropertyStart("labels");
        g.writeStringProperty("app.kubernetes.io/instance", pod.app());
        g.writeStringProperty("app.kubernetes.io/name", pod.app());
        String ownerKind;
        String ownerName;
        String ownerApi = "apps/v1";
        switch (pod.workload()) {
            case DAEMON_SET -> {
                g.writeStringProperty("controller-revision-hash", randomName(new SplittableRandom(pod.app().hashCode()), 10));
                g.writeStringProperty("pod-template-generation", "3");
                ownerKind = "DaemonSet";
                ownerName = pod.app();
            }
            case STATEFUL_SET -> {
                g.writeStringProperty("apps.kubernetes.io/pod-index", pod.name().substring(pod.name().lastIndexOf('-') + 1));
                g.writeStringProperty("controller-revision-hash", pod.app() + "-" + randomName(new SplittableRandom(pod.app().hashCode()), 10));
                g.writeStringProperty("statefulset.kubernetes.io/pod-name", pod.name());
                ownerKind = "StatefulSet";
                ownerName = pod.app();
            }
            case JOB -> {
                ownerName = pod.name().substring(0, pod.name().lastIndexOf('-'));
                g.writeStringProperty("batch.kubernetes.io/controller-uid", look.ownerUid());
                g.writeStringProperty("batch.kubernetes.io/job-name", ownerName);
                g.writeStringProperty("controller-uid", look.ownerUid());
                g.writeStringProperty("job-name", ownerName);
                ownerKind = "Job";
                ownerApi = "batch/v1";
            }
            default -> {
                ownerName = pod.name().substring(0, pod.name().lastIndexOf('-'));
                g.writeStringProperty("pod-template-hash", ownerName.substring(ownerName.lastIndexOf('-') + 1));
                ownerKind = "ReplicaSet";
            }
        }
        g.writeEndObject();
        g.writeObjectPropertyStart("annotations");
        g.writeStringProperty("prometheus.io/port", "8080");
        g.writeStringProperty("prometheus.io/scrape", "true");
        g.writeEndObject();
        g.writeArrayPropertyStart("ownerReferences");
        g.writeStartObject();
        g.writeStringProperty("apiVersion", ownerApi);
        g.writeStringProperty("kind", ownerKind);
        g.writeStringProperty("name", ownerName);
        g.writeStringProperty("uid", look.ownerUid());
        g.writeBooleanProperty("controller", true);
        g.writeBooleanProperty("blockOwnerDeletion", true);
        g.writeEndObject();
        g.writeEndArray();
        g.writeArrayPropertyStart("managedFields");
        managedField(g, "kube-controller-manager", "Update", look.created(), null, POD_SPEC_FIELDS);
        if (pod.nodeName() != null) {
            managedField(g, "kubelet", "Update", look.ready(), "status", POD_STATUS_FIELDS);
        }
        g.writeEndArray();
        g.writeEndObject();

    }

    private static void podCondition(JsonGenerator g, String type, String status, String transition) {
        g.writeStartObject();
        g.writeStringProperty("type", type);
        g.writeStringProperty("status", status);
        g.writeName("lastProbeTime");
            g.writeNull();
        g.writeStringProperty("lastTransitionTime", transition);
        g.writeEndObject();
    }

    private static void volumeMount(JsonGenerator g, String name, String path) {
        g.writeStartObject();
        g.writeStringProperty("name", name);
        g.writeBooleanProperty("readOnly", true);
        g.writeStringProperty("mountPath", path);
        g.writeEndObject();
    }

    private static void volumeMountStatus(JsonGenerator g, String name, String path) {
        g.writeStartObject();
        g.writeStringProperty("name", name);
        g.writeStringProperty("mountPath", path);
        g.writeBooleanProperty("readOnly", true);
        g.writeEndObject();
    }

    private static void probe(JsonGenerator g, String name, String path) {
        g.writeObjectPropertyStart(name);
        g.writeObjectPropertyStart("httpGet");
        g.writeStringProperty("path", path);
        g.writeNumberProperty("port", 8080);
        g.writeStringProperty("scheme", "HTTP");
        g.writeEndObject();
        g.writeNumberProperty("initialDelaySeconds", 10);
        g.writeNumberProperty("timeoutSeconds", 1);
        g.writeNumberProperty("periodSeconds", 10);
        g.writeNumberProperty("successThreshold", 1);
        g.writeNumberProperty("failureThreshold", 3);
        g.writeEndObject();
    }

    private static void toleration(JsonGenerator g, String key) {
        g.writeStartObject();
        g.writeStringProperty("key", key);
        g.writeStringProperty("operator", "Exists");
        g.writeStringProperty("effect", "NoExecute");
        g.writeNumberProperty("tolerationSeconds", 300);
        g.writeEndObject();
    }
}
