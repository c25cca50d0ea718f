package io.podtally.app.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The admin endpoints ({@code /api/v1/admin/**}).
 *
 * @param token the Bearer token the admin endpoints require; without it they are off (404)
 */
@ConfigurationProperties("podtally.admin")
public record AdminProperties(String token) {

    /** Whether the admin endpoints are on. */
    public boolean enabled() {
        return token != null && !token.isBlank();
    }

    @Override
    public String toString() {
        return "AdminProperties[token=" + (enabled() ? "(set)" : "(none)") + "]";
    }
}
