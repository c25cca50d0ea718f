package io.podtally.app.docs;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code podtally.*} properties {@code docs/configuration.md} documents: those named in full, in backticks, in the
 * first column of its tables.
 */
final class ConfigurationDoc {

    private static final Pattern PROPERTY = Pattern.compile("`(podtally\\.[a-z0-9.-]*[a-z0-9])`");

    private ConfigurationDoc() {
    }

    static Set<String> properties(String markdown) {
        Set<String> properties = new TreeSet<>();
        for (String line : markdown.split("\n")) {
            String trimmed = line.strip();
            if (!trimmed.startsWith("|")) {
                continue;
            }
            String[] cells = trimmed.split("\\|", -1);
            if (cells.length < 3) {
                continue;
            }
            Matcher matcher = PROPERTY.matcher(cells[1]);
            while (matcher.find()) {
                properties.add(matcher.group(1));
            }
        }
        return properties;
    }
}
