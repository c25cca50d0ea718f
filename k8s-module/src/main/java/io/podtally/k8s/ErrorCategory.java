package io.podtally.k8s;

import java.util.Locale;

/**
 * What kind of failure talking to an API server was, without its text: the text names the API server, the identity
 * and the RBAC rule, and is for logs and authorized health details only.
 */
public enum ErrorCategory {
    /** The API server could not be connected to (refused, unknown host, no route, TLS handshake). */
    UNREACHABLE,
    /** HTTP 403: the identity may not read what podtally needs. */
    FORBIDDEN,
    /** HTTP 401: the credentials were refused. */
    UNAUTHORIZED,
    /** A request or the first sync did not complete in time. */
    TIMEOUT,
    /** Any other failure. */
    ERROR;

    /** The category as the API writes it: its name in lower case. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
