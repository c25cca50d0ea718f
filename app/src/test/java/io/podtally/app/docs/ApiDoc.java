package io.podtally.app.docs;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The endpoints under {@code /api/} that {@code docs/api.md} names: every {@code `METHOD /api/...`} in backticks,
 * query string left out. Path variables are compared by position, whatever their name ({@code {C}} and
 * {@code {cluster}} are the same).
 */
final class ApiDoc {

    private static final Pattern ENDPOINT = Pattern.compile("`(GET|POST|PUT|PATCH|DELETE) (/api/[^`?\\s]*)[^`]*`");
    private static final Pattern VARIABLE = Pattern.compile("\\{[^}/]*}");

    private ApiDoc() {
    }

    static Set<String> endpoints(String markdown) {
        Set<String> endpoints = new TreeSet<>();
        Matcher matcher = ENDPOINT.matcher(markdown);
        while (matcher.find()) {
            endpoints.add(endpoint(matcher.group(1), matcher.group(2)));
        }
        return endpoints;
    }

    /** {@code METHOD path}, the path's variables written {@code {}}. */
    static String endpoint(String method, String path) {
        return method.toUpperCase(Locale.ROOT) + " " + VARIABLE.matcher(path).replaceAll("{}");
    }
}
