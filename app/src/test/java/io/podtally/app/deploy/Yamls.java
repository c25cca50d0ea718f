package io.podtally.app.deploy;

import java.util.List;
import java.util.Map;

/** Navigation in parsed YAML trees by dotted paths. */
final class Yamls {

    private Yamls() {
    }

    /**
     * The value at a dotted path such as {@code spec.template.spec}; a segment {@code [name=x]}
     * picks the element of a list whose {@code name} is {@code x}. Null when a step is missing.
     */
    static Object at(Object root, String path) {
        Object current = root;
        for (String segment : path.split("\\.(?![^\\[]*\\])")) {
            if (current == null) {
                return null;
            }
            if (segment.startsWith("[") && segment.endsWith("]")) {
                String[] pair = segment.substring(1, segment.length() - 1).split("=", 2);
                current = ((List<?>) current).stream()
                        .filter(e -> e instanceof Map<?, ?> m && pair[1].equals(String.valueOf(m.get(pair[0]))))
                        .findFirst().orElse(null);
            } else {
                current = ((Map<?, ?>) current).get(segment);
            }
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object root, String path) {
        Object value = at(root, path);
        if (!(value instanceof Map<?, ?>)) {
            throw new AssertionError("no map at " + path + " but " + value);
        }
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object root, String path) {
        Object value = at(root, path);
        if (!(value instanceof List<?>)) {
            throw new AssertionError("no list at " + path + " but " + value);
        }
        return (List<Object>) value;
    }
}
