package io.podtally.k8s.sim;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.function.BiConsumer;
import tools.jackson.core.JsonGenerator;

/** Lists of pods and nodes, watch events and the API server's {@code Status} answers. */
final class ListJson {

    private ListJson() {
    }

    static byte[] podList(List<SimPod> items, long resourceVersion, String continueToken, Long remainingItemCount) {
        return list("PodList", items, 4600, resourceVersion, continueToken, remainingItemCount,
                (g, pod) -> PodJson.write(g, pod, false));
    }

    private static <T> byte[] list(String kind, Collection<T> items, int bytesPerItem, long resourceVersion,
            String continueToken, Long remainingItemCount, BiConsumer<JsonGenerator, T> item) {
        return SimJson.write(items.size() * bytesPerItem + 256, g -> {
            g.writeStartObject();
            g.writeStringProperty("kind", kind);
            g.writeStringProperty("apiVersion", "v1");
            listMetadata(g, resourceVersion, continueToken, remainingItemCount);
            g.writeArrayPropertyStart("items");
            for (T each : items) {
                item.accept(g, each);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** The {@code metadata} of a list or a Table: its resourceVersion and, when paged, where the next page starts. */
    static void listMetadata(JsonGenerator g, long resourceVersion, String continueToken, Long remainingItemCount) {
        g.writeObjectPropertyStart("metadata");
        g.writeStringProperty("resourceVersion", Long.toString(resourceVersion));
        if (continueToken != null) {
            g.writeStringProperty("continue", continueToken);
        }
        if (remainingItemCount != null) {
            g.writeNumberProperty("remainingItemCount", remainingItemCount.longValue());
        }
        g.writeEndObject();
    }

    static byte[] nodeList(Collection<SimNode> items, long resourceVersion, String continueToken,
            Long remainingItemCount) {
        return list("NodeList", items, 9000, resourceVersion, continueToken, remainingItemCount,
                (g, node) -> NodeJson.write(g, node, false));
    }

    static String nodeEvent(String type, SimNode node) {
        return new String(SimJson.write(9000, g -> {
            g.writeStartObject();
            g.writeStringProperty("type", type);
            g.writeName("object");
            NodeJson.write(g, node, true);
            g.writeEndObject();
        }), StandardCharsets.UTF_8);
    }

    static String podEvent(String type, SimPod pod) {
        return new String(SimJson.write(5000, g -> {
            g.writeStartObject();
            g.writeStringProperty("type", type);
            g.writeName("object");
            PodJson.write(g, pod, true);
            g.writeEndObject();
        }), StandardCharsets.UTF_8);
    }

    static String bookmarkEvent(String kind, long resourceVersion) {
        return "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"" + kind + "\",\"apiVersion\":\"v1\",\"metadata\":"
                + "{\"resourceVersion\":\"" + resourceVersion + "\",\"annotations\":{\"k8s.io/initial-events-end\":\"false\"}}}}";
    }

    static String errorEvent(int code, String reason, String message) {
        return new String(SimJson.write(256, g -> {
            g.writeStartObject();
            g.writeStringProperty("type", "ERROR");
            g.writeName("object");
            status(g, code, reason, message);
            g.writeEndObject();
        }), StandardCharsets.UTF_8);
    }

    static byte[] status(int code, String reason, String message) {
        return SimJson.write(256, g -> status(g, code, reason, message));
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
}
