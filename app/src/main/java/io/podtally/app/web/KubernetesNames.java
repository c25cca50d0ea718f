package io.podtally.app.web;

import java.util.regex.Pattern;

/** Syntax checks of the Kubernetes names a request may carry (label keys and values, node names). */
final class KubernetesNames {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final int NAME_MAX = 63;
    private static final int SUBDOMAIN_MAX = 253;

    private KubernetesNames() {
    }

    /** A label name segment, e.g. a role: at most 63 characters of letters, digits, {@code - _ .}. */
    static boolean isName(String value) {
        return value.length() <= NAME_MAX && NAME.matcher(value).matches();
    }

    /** A qualified name ({@code [prefix/]name}), the syntax of label and taint keys. */
    static boolean isQualifiedName(String value) {
        int slash = value.indexOf('/');
        if (slash < 0) {
            return isName(value);
        }
        String prefix = value.substring(0, slash);
        return isDnsSubdomain(prefix) && isName(value.substring(slash + 1));
    }

    /** A label or taint value: empty, or a name segment. */
    static boolean isLabelValue(String value) {
        return value.isEmpty() || isName(value);
    }

    /** A DNS subdomain, the syntax of node names. */
    static boolean isDnsSubdomain(String value) {
        return !value.isEmpty() && value.length() <= SUBDOMAIN_MAX && DNS_SUBDOMAIN.matcher(value).matches();
    }
}
