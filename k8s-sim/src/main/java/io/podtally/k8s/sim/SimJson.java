package io.podtally.k8s.sim;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * What the renderers of the simulated objects share: the JSON generator, timestamps, generated
 * names and ids, and the pieces every object's metadata carries.
 */
final class SimJson {

    private static final JsonFactory JSON = new JsonFactory();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ISO_INSTANT;
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final char[] NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789".toCharArray();
    static final String[] REGISTRIES = {"registry.k8s.io", "docker.io/library", "quay.io/prometheus",
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

    static void managedField(JsonGenerator g, String manager, String operation, String time, String subresource,
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

    static void stringMap(JsonGenerator g, String name, Map<String, String> map) {
        g.writeObjectPropertyStart(name);
        for (Map.Entry<String, String> e : map.entrySet()) {
            g.writeStringProperty(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }
}
