package io.podtally.k8s.sim;

import java.util.List;
import tools.jackson.core.JsonGenerator;

/**
 * A page of pods as the server-side {@code Table} ({@code meta.k8s.io/v1}) that kubectl asks for, and
 * the ages its cells print.
 */
final class TableJson {

    private TableJson() {
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
        return SimJson.write(items.size() * perRow + 2048, g -> {
            g.writeStartObject();
            g.writeStringProperty("kind", "Table");
            g.writeStringProperty("apiVersion", "meta.k8s.io/v1");
            ListJson.listMetadata(g, resourceVersion, continueToken, remainingItemCount);
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
        PodJson.Look look = PodJson.look(pod);
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
                PodJson.metadata(g, pod, look);
                g.writeEndObject();
            }
            case OBJECT -> {
                g.writeName("object");
                PodJson.write(g, pod, true);
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
}
