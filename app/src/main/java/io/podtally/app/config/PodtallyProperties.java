package io.podtally.app.config;

import io.podtally.app.wiring.PropertyChecks;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Top-level podtally settings.
 *
 * @param store the pod-count store: {@code auto} (Redis when it answers a PING at start; else in memory, with a
 *     warning, while Redis is tried again in the background, and Redis from the moment it answers), {@code redis} or
 *     {@code memory}; Redis is configured with {@code spring.data.redis.*}
 * @param storeRetryInterval with {@code auto}, the wait before Redis is tried again after it did not answer at
 *     start; doubled after each further attempt
 * @param storeRetryMaxInterval with {@code auto}, the longest wait between two attempts to reach Redis
 */
@ConfigurationProperties("podtally")
public record PodtallyProperties(
        @DefaultValue("auto") StoreMode store,
        @DefaultValue("5s") Duration storeRetryInterval,
        @DefaultValue("30s") Duration storeRetryMaxInterval) {

    public PodtallyProperties {
        PropertyChecks.requirePositive("podtally.store-retry-interval", storeRetryInterval);
        PropertyChecks.requirePositive("podtally.store-retry-max-interval", storeRetryMaxInterval);
        if (storeRetryMaxInterval.compareTo(storeRetryInterval) < 0) {
            throw new IllegalArgumentException("podtally.store-retry-max-interval (" + storeRetryMaxInterval
                    + ") must not be shorter than podtally.store-retry-interval (" + storeRetryInterval + ")");
        }
    }

    /** Which pod-count store podtally uses. */
    public enum StoreMode {
        /** Redis when it answers at start, otherwise the in-memory store until Redis answers. */
        AUTO,
        /** Always Redis; start-up does not wait for it and reads answer {@code unavailable} while it is down. */
        REDIS,
        /** The in-memory store: correct for one replica only. */
        MEMORY
    }
}
