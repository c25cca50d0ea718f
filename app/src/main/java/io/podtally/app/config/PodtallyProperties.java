package io.podtally.app.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Top-level podtally settings.
 *
 * @param store the pod-count store: {@code auto} (Redis when it answers a PING at start, else in-memory with a
 *     warning that this is correct for a single replica only), {@code redis} or {@code memory}; Redis is configured
 *     with {@code spring.data.redis.*}
 */
@ConfigurationProperties("podtally")
public record PodtallyProperties(@DefaultValue("auto") StoreMode store) {

    /** Which pod-count store podtally uses. */
    public enum StoreMode {
        /** Redis when it answers at start, otherwise the in-memory store (single replica only). */
        AUTO,
        /** Always Redis; start-up does not wait for it and reads answer {@code unavailable} while it is down. */
        REDIS,
        /** The in-memory store: correct for one replica only. */
        MEMORY
    }
}
