package io.podtally.app.web;

import io.podtally.app.config.AdminProperties;
import io.podtally.k8s.ClusterNames;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Guards {@code /api/v1/admin/**} with the Bearer token {@code podtally.admin.token}: 404 when no token is
 * configured, 401 without a well-formed {@code Authorization: Bearer} header, 403 for a wrong token. Tokens are
 * compared in constant time and never logged.
 */
final class AdminTokenInterceptor implements HandlerInterceptor {

    private static final Logger log = LoggerFactory.getLogger(AdminTokenInterceptor.class);
    private static final String BEARER = "Bearer ";

    private final byte[] expectedDigest;

    AdminTokenInterceptor(AdminProperties admin) {
        this.expectedDigest = admin.enabled() ? digest(admin.token()) : null;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        String action = action(request);
        if (expectedDigest == null) {
            log.warn("admin {} outcome=refused: admin endpoints are off (podtally.admin.token not set)", action);
            throw ApiException.notFound("no such resource");
        }
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || header.length() <= BEARER.length()
                || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                || header.substring(BEARER.length()).isBlank()) {
            log.warn("admin {} outcome=unauthorized: no Bearer token", action);
            throw ApiException.unauthorized("a Bearer token is required");
        }
        if (!MessageDigest.isEqual(expectedDigest, digest(header.substring(BEARER.length()).trim()))) {
            log.warn("admin {} outcome=forbidden: wrong token", action);
            throw ApiException.of(HttpStatus.FORBIDDEN, "the token is not valid");
        }
        return true;
    }

    /** The action and cluster for the log; a cluster name that is not valid is not echoed. */
    private static String action(HttpServletRequest request) {
        Object variables = request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        Object cluster = variables instanceof Map<?, ?> map && map.get("cluster") != null
                ? map.get("cluster")
                : request.getParameter("cluster_name");
        String name = cluster instanceof String s && ClusterNames.isValid(s) ? s : "(invalid)";
        String uri = request.getRequestURI();
        String verb = uri.substring(uri.lastIndexOf('/') + 1);
        return (verb.equals("invalidate") || verb.equals("refresh") ? verb : "request") + " cluster=" + name;
    }

    /** Hashing first makes the comparison independent of the tokens' lengths. */
    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }
}
