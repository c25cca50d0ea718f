package io.podtally.k8s.sim;

import java.util.List;
import java.util.Map;
import tools.jackson.core.JsonGenerator;

/** Node usage as metrics-server serves it ({@code metrics.k8s.io/v1beta1}). */
final class MetricsJson {

    private MetricsJson() {
    }

    /** One node's usage as metrics-server reports it. */
    record Usage(String node, Map<String, String> labels, long cpuNanoCores, long memoryKi) {
    }

    static byte[] nodeMetricsList(List<Usage> usages, long now) {
        return SimJson.write(usages.size() * 400 + 128, g -> {
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
        return SimJson.write(512, g -> nodeMetrics(g, usage, now, true));
    }

    private static void nodeMetrics(JsonGenerator g, Usage usage, long now, boolean withKind) {
        g.writeStartObject();
        if (withKind) {
            g.writeStringProperty("kind", "NodeMetrics");
            g.writeStringProperty("apiVersion", "metrics.k8s.io/v1beta1");
        }
        g.writeObjectPropertyStart("metadata");
        g.writeStringProperty("name", usage.node());
        g.writeStringProperty("creationTimestamp", SimJson.time(now));
        SimJson.stringMap(g, "labels", usage.labels());
        g.writeEndObject();
        g.writeStringProperty("timestamp", SimJson.time(now - 12));
        g.writeStringProperty("window", "20.044s");
        g.writeObjectPropertyStart("usage");
        g.writeStringProperty("cpu", usage.cpuNanoCores() + "n");
        g.writeStringProperty("memory", usage.memoryKi() + "Ki");
        g.writeEndObject();
        g.writeEndObject();
    }
}
