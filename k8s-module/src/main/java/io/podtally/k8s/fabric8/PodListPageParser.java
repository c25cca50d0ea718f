package io.podtally.k8s.fabric8;

import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads one page of a pod list as a stream of tokens, keeping only {@code metadata.continue},
 * {@code metadata.remainingItemCount} and, per item, {@code spec.nodeName} and {@code status.phase};
 * every other field is skipped without being materialised.
 */
final class PodListPageParser {

    private static final JsonFactory JSON = new JsonFactory();

    private PodListPageParser() {
    }

    /**
     * What one page held.
     *
     * @param countsByNode active pods per node on this page
     * @param pods active pods on this page (scheduled or not)
     * @param unscheduled active pods without a node
     * @param inactive items in phase Succeeded or Failed (the field selector should have excluded them)
     * @param continueToken the token of the next page, or {@code null} on the last page
     * @param remainingItemCount the server's estimate of the items after this page, or {@code null}
     */
    record Page(Map<String, int[]> countsByNode, long pods, long unscheduled, long inactive, String continueToken,
            Long remainingItemCount) {
    }

    /**
     * Parses a page.
     *
     * @throws JacksonException when the body is not JSON or ends early (an I/O failure while reading it included)
     * @throws IllegalArgumentException when the body is JSON but not a pod list
     */
    static Page parse(InputStream body) {
        Map<String, int[]> counts = new HashMap<>();
        long pods = 0;
        long unscheduled = 0;
        long inactive = 0;
        String continueToken = null;
        Long remaining = null;
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), body)) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("metadata".equals(name) && value == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                        String field = p.currentName();
                        JsonToken v = p.nextToken();
                        if ("continue".equals(field) && v == JsonToken.VALUE_STRING) {
                            String token = p.getString();
                            continueToken = token.isEmpty() ? null : token;
                        } else if ("remainingItemCount".equals(field) && v == JsonToken.VALUE_NUMBER_INT) {
                            remaining = p.getLongValue();
                        } else {
                            p.skipChildren();
                        }
                    }
                } else if ("items".equals(name) && value == JsonToken.START_ARRAY) {
                    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                        if (t != JsonToken.START_OBJECT) {
                            throw new IllegalArgumentException("not a pod list: an item is " + t);
                        }
                        Item item = item(p);
                        if (!item.active()) {
                            inactive++;
                        } else if (item.nodeName() == null || item.nodeName().isEmpty()) {
                            pods++;
                            unscheduled++;
                        } else {
                            pods++;
                            counts.computeIfAbsent(item.nodeName(), k -> new int[1])[0]++;
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
        return new Page(counts, pods, unscheduled, inactive, continueToken, remaining);
    }

    private record Item(String nodeName, String phase) {
        boolean active() {
            return !"Succeeded".equals(phase) && !"Failed".equals(phase);
        }
    }

    private static Item item(JsonParser p) {
        String nodeName = null;
        String phase = null;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if ("spec".equals(name) && value == JsonToken.START_OBJECT) {
                nodeName = field(p, "nodeName");
            } else if ("status".equals(name) && value == JsonToken.START_OBJECT) {
                phase = field(p, "phase");
            } else {
                p.skipChildren();
            }
        }
        return new Item(nodeName, phase);
    }

    /** Reads the string field {@code wanted} of the object the parser is in, skipping the rest of it. */
    private static String field(JsonParser p, String wanted) {
        String found = null;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (wanted.equals(name) && value == JsonToken.VALUE_STRING) {
                found = p.getString();
            } else {
                p.skipChildren();
            }
        }
        return found;
    }

    private static void expect(JsonToken actual, JsonToken expected) {
        if (actual != expected) {
            throw new IllegalArgumentException("not a pod list: expected " + expected + " but found " + actual);
        }
    }
}
