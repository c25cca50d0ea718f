package io.podtally.k8s;

import java.util.regex.Pattern;

/**
 * Validation of cluster names. A cluster is named after its kubeconfig context; podtally accepts
 * the names such contexts have in practice (letters, digits, {@code . _ - : @ /}), at most
 * {@value #MAX_LENGTH} characters, and refuses anything else before it reaches a store or a log.
 */
public final class ClusterNames {

    /** The longest cluster name accepted. */
    public static final int MAX_LENGTH = 128;

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@/-]*");

    private ClusterNames() {
    }

    /** Whether {@code name} is an acceptable cluster name. */
    public static boolean isValid(String name) {
        return name != null && !name.isEmpty() && name.length() <= MAX_LENGTH && VALID.matcher(name).matches()
                && !name.contains("{") && !name.contains("}");
    }

    /**
     * Returns {@code name} when valid.
     *
     * @throws InvalidClusterNameException with a message that says what is wrong
     */
    public static String requireValid(String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidClusterNameException("cluster name is missing");
        }
        if (name.length() > MAX_LENGTH) {
            throw new InvalidClusterNameException("cluster name is longer than " + MAX_LENGTH + " characters");
        }
        if (!isValid(name)) {
            throw new InvalidClusterNameException(
                    "cluster name may contain only letters, digits and . _ - : @ / and must start with a letter or digit");
        }
        return name;
    }
}
