package io.podtally.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.json.JsonMapper;

@DisplayName("charts/podtally/README.md")
class HelmChartReadmeTest {

    private static final Path CHART = RepositoryRoot.find().resolve("charts/podtally");
    private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\| `([^`]*)` \\|.*\\|$");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    @DisplayName("its values table lists exactly the properties of values.schema.json, in order, with the defaults of "
            + "values.yaml")
    void valuesTableMatchesSchema() throws Exception {
        Map<String, Object> schema = JSON.readValue(Files.readString(CHART.resolve("values.schema.json")), Map.class);
        Map<String, Object> values = new Yaml().load(Files.readString(CHART.resolve("values.yaml")));
        Map<String, String> expected = new LinkedHashMap<>();
        leaves(schema, schema, List.of(), values, expected);

        Map<String, String> documented = new LinkedHashMap<>();
        for (String line : Files.readAllLines(CHART.resolve("README.md"))) {
            Matcher row = ROW.matcher(line);
            if (row.matches()) {
                documented.put(row.group(1), row.group(2));
            }
        }

        assertThat(expected).hasSizeGreaterThan(50);
        assertThat(documented).as("values table of README.md; expected rows:%n%s", table(expected))
                .containsExactlyEntriesOf(expected);
    }

    /** The leaf properties of {@code node} ({@code $ref}s resolved) and their defaults in {@code values}. */
    @SuppressWarnings("unchecked")
    private static void leaves(Map<String, Object> schema, Map<String, Object> node, List<String> path,
            Map<String, Object> values, Map<String, String> into) {
        Object ref = node.get("$ref");
        if (ref instanceof String pointer) {
            node = (Map<String, Object>) ((Map<String, Object>) schema.get("definitions"))
                    .get(pointer.substring(pointer.lastIndexOf('/') + 1));
        }
        Object properties = node.get("properties");
        if (!(properties instanceof Map<?, ?> children) || children.isEmpty()) {
            into.put(String.join(".", path), defaultOf(values, path));
            return;
        }
        for (Map.Entry<?, ?> child : children.entrySet()) {
            List<String> childPath = new ArrayList<>(path);
            childPath.add((String) child.getKey());
            leaves(schema, (Map<String, Object>) child.getValue(), childPath, values, into);
        }
    }

    private static String defaultOf(Map<String, Object> values, List<String> path) {
        Object current = values;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> map) || !map.containsKey(key)) {
                return "—";
            }
            current = map.get(key);
        }
        return JSON.writeValueAsString(current);
    }

    private static String table(Map<String, String> rows) {
        StringBuilder text = new StringBuilder();
        rows.forEach((key, value) -> text.append("| `").append(key).append("` | `").append(value).append("` | … |\n"));
        return text.toString();
    }
}
