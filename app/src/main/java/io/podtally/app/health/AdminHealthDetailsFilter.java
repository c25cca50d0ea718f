package io.podtally.app.health;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Makes a request to {@code /actuator/**} that carries {@code Authorization: Bearer <podtally.admin.token>} an
 * authenticated one, so that {@code management.endpoint.health.show-details: when-authorized} shows it the health
 * details (the full errors of the informers and the store). Any other request goes on unchanged and sees the status
 * only; probes and status codes are the same either way. Without an admin token nobody sees the details. Tokens are
 * compared in constant time and never logged.
 */
public final class AdminHealthDetailsFilter extends OncePerRequestFilter {

    static final String PRINCIPAL = "podtally-admin";
    private static final String BEARER = "Bearer ";

    private final byte[] expectedDigest;

    /** @param adminToken {@code podtally.admin.token}, or {@code null} when none is set: nobody sees the details */
    public AdminHealthDetailsFilter(String adminToken) {
        this.expectedDigest = adminToken == null || adminToken.isBlank() ? null : digest(adminToken);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        chain.doFilter(admin(request) ? new AdminRequest(request) : request, response);
    }

    private boolean admin(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (expectedDigest == null || header == null || header.length() <= BEARER.length()
                || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        return MessageDigest.isEqual(expectedDigest, digest(header.substring(BEARER.length()).trim()));
    }

    /** Hashing first makes the comparison independent of the tokens' lengths. */
    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }

    /** The request of the admin, who holds every role. */
    private static final class AdminRequest extends HttpServletRequestWrapper {

        private static final Principal ADMIN = () -> PRINCIPAL;

        AdminRequest(HttpServletRequest request) {
            super(request);
        }

        @Override
        public Principal getUserPrincipal() {
            return ADMIN;
        }

        @Override
        public String getRemoteUser() {
            return PRINCIPAL;
        }

        @Override
        public boolean isUserInRole(String role) {
            return true;
        }

        @Override
        public String getAuthType() {
            return "Bearer";
        }
    }
}
