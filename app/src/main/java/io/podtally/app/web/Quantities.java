package io.podtally.app.web;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Kubernetes quantities ({@code 250m}, {@code 16Gi}, {@code 1.5}) as numbers, for sorting. */
final class Quantities {

    private static final Pattern QUANTITY = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?");
    private static final Map<String, Double> SUFFIXES = Map.ofEntries(
            Map.entry("n", 1e-9), Map.entry("u", 1e-6), Map.entry("m", 1e-3), Map.entry("", 1.0),
            Map.entry("k", 1e3), Map.entry("M", 1e6), Map.entry("G", 1e9), Map.entry("T", 1e12),
            Map.entry("P", 1e15), Map.entry("E", 1e18),
            Map.entry("Ki", 0x1p10), Map.entry("Mi", 0x1p20), Map.entry("Gi", 0x1p30), Map.entry("Ti", 0x1p40),
            Map.entry("Pi", 0x1p50), Map.entry("Ei", 0x1p60));

    private Quantities() {
    }

    /** The value of {@code quantity}, or {@code null} when it is missing or not a plain quantity. */
    static Double parse(String quantity) {
        if (quantity == null) {
            return null;
        }
        Matcher m = QUANTITY.matcher(quantity);
        if (!m.matches()) {
            return null;
        }
        return Double.parseDouble(m.group(1)) * SUFFIXES.get(m.group(2) == null ? "" : m.group(2));
    }
}
