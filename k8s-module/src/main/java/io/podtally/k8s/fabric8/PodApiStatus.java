package io.podtally.k8s.fabric8;

import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/** Reads what an API server says when a pod page fails: the {@code reason} and {@code message} of its Status. */
final class PodApiStatus {

    private static final JsonFactory JSON = new JsonFactory();
    /** The most of an error body worth reading. */
    static final int MAX_BODY = 16 * 1024;

    private PodApiStatus() {
    }

    /**
     * Returns {@code "Reason: message"} of a {@code Status} body, the start of any other body, or
     * an empty string; at most {@code maxLength} characters.
     */
    static String read(byte[] bytes, int maxLength) {
        String reason = null;
        String message = null;
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), bytes)) {
            if (p.nextToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                    String name = p.currentName();
                    JsonToken value = p.nextToken();
                    if ("reason".equals(name) && value == JsonToken.VALUE_STRING) {
                        reason = p.getString();
                    } else if ("message".equals(name) && value == JsonToken.VALUE_STRING) {
                        message = p.getString();
                    } else {
                        p.skipChildren();
                    }
                }
            }
        } catch (JacksonException notJson) {
            String text = new String(bytes, StandardCharsets.UTF_8).strip();
            return text.length() <= maxLength ? text : text.substring(0, maxLength);
        }
        String text = reason == null ? (message == null ? "" : message)
                : message == null ? reason : reason + ": " + message;
        return text.length() <= maxLength ? text : text.substring(0, maxLength);
    }
}
