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
 * Reads one page of a pod list as a stream of tokens, in either form an API server answers with:
 * a {@code PodList}, of which it keeps {@code metadata.continue}, {@code metadata.remainingItemCount}
 * and, per item, {@code spec.nodeName} and {@code status.phase}; or a server-side {@code Table}
 * ({@code meta.k8s.io/v1}), of which it keeps the same metadata, the position of the {@code Node}
 * column in {@code columnDefinitions} and each row's cell at that position. Every other field is
 * skipped without being materialised. The form is told by {@code kind}.
 */
final class PodListPageParser {

    private static final JsonFactory JSON = new JsonFactory();

    private PodListPageParser() {
    }

    /** The form a page came in. */
    enum Format {
        POD_LIST, TABLE
    }

    /** The name of the pod table's column that holds {@code spec.nodeName}. */
    static final String NODE_COLUMN = "Node";
    /** What a table cell holds for a pod without a node. */
    static final String NONE = "<none>";

    /**
     * What one page held.
     *
     * @param countsByNode active pods per node on this page
     * @param pods active pods on this page (scheduled or not)
     * @param unscheduled active pods without a node
     * @param inactive items in phase Succeeded or Failed (the field selector should have excluded them)
     * @param continueToken the token of the next page, or {@code null} on the last page
     * @param remainingItemCount the server's estimate of the items after this page, or {@code null}
     * @param format the form the page came in
     */
    record Page(Map<String, int[]> countsByNode, long pods, long unscheduled, long inactive, String continueToken,
            Long remainingItemCount, Format format) {
    }

    /**
     * Told, as a page is read, what a list holds item by item, for a reader that keeps more than the counts (the
     * pod watch's list). Called on the thread that parses.
     */
    interface Visitor {

        /** Keeps nothing. */
        Visitor NONE = new Visitor() {
        };

        /** The list's {@code metadata.resourceVersion}. */
        default void listVersion(String resourceVersion) {
        }

        /**
         * An item of a {@code PodList}.
         *
         * @param key the pod's {@code metadata.uid}, or {@code namespace/name} when it has none
         * @param nodeName {@code spec.nodeName}, or {@code null}
         * @param active whether its phase is neither {@code Succeeded} nor {@code Failed}
         */
        default void item(String key, String nodeName, boolean active) {
        }

        /** The list starts again from its first page (after {@code 410 Expired}): forget what was told. */
        default void restarted() {
        }
    }

    /** Parses a page; see {@link #parse(InputStream, Visitor)}. */
    static Page parse(InputStream body) {
        return parse(body, Visitor.NONE);
    }

    /**
     * Parses a page, telling {@code visitor} the list's version and each item of a {@code PodList} (a table's rows
     * carry no key and are not told).
     *
     * @throws JacksonException when the body is not JSON or ends early (an I/O failure while reading it included)
     * @throws IllegalArgumentException when the body is JSON but neither a pod list nor a pod table
     *     that can be read (a table whose rows come before its column definitions, or without a
     *     {@code Node} column)
     */
    static Page parse(InputStream body, Visitor visitor) {
        boolean keys = visitor != Visitor.NONE;
        Map<String, int[]> counts = new HashMap<>();
        long pods = 0;
        long unscheduled = 0;
        long inactive = 0;
        String continueToken = null;
        Long remaining = null;
        String kind = null;
        boolean items = false;
        boolean columns = false;
        boolean rows = false;
        int nodeColumn = -1;
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), body)) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("kind".equals(name) && value == JsonToken.VALUE_STRING) {
                    kind = p.getString();
                    if (!"PodList".equals(kind) && !"Table".equals(kind)) {
                        throw new IllegalArgumentException("not a pod list: kind " + kind);
                    }
                } else if ("columnDefinitions".equals(name) && value == JsonToken.START_ARRAY) {
                    columns = true;
                    nodeColumn = nodeColumn(p);
                } else if ("rows".equals(name) && value == JsonToken.START_ARRAY) {
                    rows = true;
                    if (!columns) {
                        throw new IllegalArgumentException("a pod table whose rows come before its columnDefinitions");
                    }
                    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                        if (t != JsonToken.START_OBJECT) {
                            throw new IllegalArgumentException("not a pod table: a row is " + t);
                        }
                        if (nodeColumn < 0) {
                            throw new IllegalArgumentException("a pod table without a " + NODE_COLUMN + " column");
                        }
                        String node = nodeCell(p, nodeColumn);
                        pods++;
                        if (node == null || node.isEmpty() || NONE.equals(node)) {
                            unscheduled++;
                        } else {
                            counts.computeIfAbsent(node, k -> new int[1])[0]++;
                        }
                    }
                } else if ("metadata".equals(name) && value == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                        String field = p.currentName();
                        JsonToken v = p.nextToken();
                        if ("continue".equals(field) && v == JsonToken.VALUE_STRING) {
                            String token = p.getString();
                            continueToken = token.isEmpty() ? null : token;
                        } else if ("remainingItemCount".equals(field) && v == JsonToken.VALUE_NUMBER_INT) {
                            remaining = p.getLongValue();
                        } else if ("resourceVersion".equals(field) && v == JsonToken.VALUE_STRING) {
                            visitor.listVersion(p.getString());
                        } else {
                            p.skipChildren();
                        }
                    }
                } else if ("items".equals(name) && value == JsonToken.START_ARRAY) {
                    items = true;
                    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                        if (t != JsonToken.START_OBJECT) {
                            throw new IllegalArgumentException("not a pod list: an item is " + t);
                        }
                        Item item = item(p, keys);
                        if (keys) {
                            visitor.item(item.key(), item.nodeName(), item.active());
                        }
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
        Format format = format(kind, items, columns || rows);
        return new Page(counts, pods, unscheduled, inactive, continueToken, remaining, format);
    }

    private static Format format(String kind, boolean items, boolean tableParts) {
        if (items && tableParts) {
            throw new IllegalArgumentException("not a pod list: both items and table rows");
        }
        if ("Table".equals(kind)) {
            if (items) {
                throw new IllegalArgumentException("not a pod table: items in a Table");
            }
            return Format.TABLE;
        }
        if (tableParts) {
            throw new IllegalArgumentException("not a pod list: table rows in " + (kind == null ? "an object without kind"
                    : "a " + kind));
        }
        return Format.POD_LIST;
    }

    /** The position of the {@code Node} column among the column definitions, or -1. */
    private static int nodeColumn(JsonParser p) {
        int found = -1;
        int index = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken(), index++) {
            if (t != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a pod table: a column definition is " + t);
            }
            if (NODE_COLUMN.equals(field(p, "name")) && found < 0) {
                found = index;
            }
        }
        return found;
    }

    /** The cell at {@code column} of the row the parser is in ({@code null} when the cell is null). */
    private static String nodeCell(JsonParser p, int column) {
        String node = null;
        boolean cells = false;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if ("cells".equals(name) && value == JsonToken.START_ARRAY) {
                cells = true;
                int index = 0;
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken(), index++) {
                    if (index == column && t == JsonToken.VALUE_STRING) {
                        node = p.getString();
                    } else if (index == column && t != JsonToken.VALUE_NULL) {
                        throw new IllegalArgumentException("not a pod table: the " + NODE_COLUMN + " cell is " + t);
                    } else {
                        p.skipChildren();
                    }
                }
                if (index <= column) {
                    throw new IllegalArgumentException("a pod table row without a " + NODE_COLUMN + " cell");
                }
            } else {
                p.skipChildren();
            }
        }
        if (!cells) {
            throw new IllegalArgumentException("a pod table row without cells");
        }
        return node;
    }

    private record Item(String key, String nodeName, String phase) {
        boolean active() {
            return !"Succeeded".equals(phase) && !"Failed".equals(phase);
        }
    }

    private static Item item(JsonParser p, boolean keys) {
        String key = null;
        String nodeName = null;
        String phase = null;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (keys && "metadata".equals(name) && value == JsonToken.START_OBJECT) {
                key = key(p);
            } else if ("spec".equals(name) && value == JsonToken.START_OBJECT) {
                nodeName = field(p, "nodeName");
            } else if ("status".equals(name) && value == JsonToken.START_OBJECT) {
                phase = field(p, "phase");
            } else {
                p.skipChildren();
            }
        }
        return new Item(key, nodeName, phase);
    }

    /** The {@code uid} of the metadata the parser is in, else its {@code namespace/name}; skips the rest. */
    private static String key(JsonParser p) {
        String uid = null;
        String namespace = null;
        String name = null;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (value == JsonToken.VALUE_STRING && "uid".equals(field)) {
                uid = p.getString();
            } else if (value == JsonToken.VALUE_STRING && "namespace".equals(field)) {
                namespace = p.getString();
            } else if (value == JsonToken.VALUE_STRING && "name".equals(field)) {
                name = p.getString();
            } else {
                p.skipChildren();
            }
        }
        return uid != null && !uid.isEmpty() ? uid : namespace + "/" + name;
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
