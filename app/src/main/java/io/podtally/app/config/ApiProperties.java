package io.podtally.app.config;

import io.podtally.app.wiring.PropertyChecks;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the HTTP API answers.
 *
 * @param syncWait how long a request for a cluster whose node informer has not synced yet waits before it answers
 *     503; only while a first sync can still be expected (within the informer sync timeout after start), else 503
 *     comes at once
 * @param retryAfter the {@code Retry-After} sent with that 503
 * @param maxPageSize the largest {@code page_size} accepted
 * @param maxEventStreams the most event streams ({@code GET /api/v1/events}) one replica holds open at once; beyond
 *     that a new stream is answered 503 with {@code Retry-After}
 * @param eventHeartbeat the time between two heartbeat comments on an idle event stream; they keep proxies from
 *     closing it and find the connections of clients that left
 */
@ConfigurationProperties("podtally.api")
public record ApiProperties(
        @DefaultValue("2s") Duration syncWait,
        @DefaultValue("5s") Duration retryAfter,
        @DefaultValue("5000") int maxPageSize,
        @DefaultValue("1000") int maxEventStreams,
        @DefaultValue("15s") Duration eventHeartbeat) {

    public ApiProperties {
        if (syncWait == null || syncWait.isNegative()) {
            throw new IllegalArgumentException("podtally.api.sync-wait must not be negative, was " + syncWait);
        }
        PropertyChecks.requirePositive("podtally.api.retry-after", retryAfter);
        PropertyChecks.requireRange("podtally.api.max-page-size", maxPageSize, 1, 100_000);
        PropertyChecks.requireRange("podtally.api.max-event-streams", maxEventStreams, 0, 100_000);
        PropertyChecks.requirePositive("podtally.api.event-heartbeat", eventHeartbeat);
    }
}
