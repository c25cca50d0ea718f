package io.podtally.app.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Top-level podtally settings.
 *
 * @param store the pod-count store: {@code auto} (Redis when it answers at start, else in-memory), {@code redis}
 *     or {@code memory}
 * @param storeProbeTimeout how long {@code auto} waits for Redis to answer a PING at start
 */
@ConfigurationProperties("podtally")
public record PodtallyProperties(
        @DefaultValue("auto") StoreMode store,
        @DefaultValue("1s") Duration storeProbeTimeout) {

    public PodtallyProperties {
        Settings.requirePositive("podtally.store-probe-timeout", storeProbeTimeout);
    }
}
