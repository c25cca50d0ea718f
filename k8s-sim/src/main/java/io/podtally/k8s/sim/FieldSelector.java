package io.podtally.k8s.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A pod field selector as the API server understands it: comma-separated requirements, all of
 * which must hold, on {@code status.phase}, {@code spec.nodeName}, {@code metadata.name} and
 * {@code metadata.namespace}, with {@code =}, {@code ==} or {@code !=}.
 */
final class FieldSelector implements Predicate<SimPod> {

    private static final FieldSelector EVERYTHING = new FieldSelector(List.of(), "");

    private final List<Requirement> requirements;
    private final String text;

    private FieldSelector(List<Requirement> requirements, String text) {
        this.requirements = requirements;
        this.text = text;
    }

    /** The selector as it was given. */
    String text() {
        return text;
    }

    static FieldSelector everything() {
        return EVERYTHING;
    }

    /**
     * Parses a selector.
     *
     * @throws IllegalArgumentException with the API server's wording when a field is not supported
     */
    static FieldSelector parse(String selector) {
        if (selector == null || selector.isBlank()) {
            return EVERYTHING;
        }
        List<Requirement> requirements = new ArrayList<>();
        for (String term : selector.split(",")) {
            String trimmed = term.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            boolean negated;
            int at;
            int valueStart;
            if ((at = trimmed.indexOf("!=")) >= 0) {
                negated = true;
                valueStart = at + 2;
            } else if ((at = trimmed.indexOf("==")) >= 0) {
                negated = false;
                valueStart = at + 2;
            } else if ((at = trimmed.indexOf('=')) >= 0) {
                negated = false;
                valueStart = at + 1;
            } else {
                throw new IllegalArgumentException("invalid selector: '" + selector + "'; can't understand '" + trimmed + "'");
            }
            String field = trimmed.substring(0, at).trim();
            String value = trimmed.substring(valueStart).trim();
            if (!List.of("status.phase", "spec.nodeName", "metadata.name", "metadata.namespace").contains(field)) {
                throw new IllegalArgumentException("field label not supported: " + field);
            }
            requirements.add(new Requirement(field, value, negated));
        }
        return new FieldSelector(List.copyOf(requirements), selector.trim());
    }

    @Override
    public boolean test(SimPod pod) {
        for (Requirement requirement : requirements) {
            if (!requirement.test(pod)) {
                return false;
            }
        }
        return true;
    }

    private record Requirement(String field, String value, boolean negated) {

        boolean test(SimPod pod) {
            String actual = switch (field) {
                case "status.phase" -> pod.phase().apiName();
                case "spec.nodeName" -> pod.nodeName() == null ? "" : pod.nodeName();
                case "metadata.name" -> pod.name();
                default -> pod.namespace();
            };
            return Objects.equals(actual, value) != negated;
        }
    }
}
