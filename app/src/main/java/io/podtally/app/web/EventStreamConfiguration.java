package io.podtally.app.web;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.podtally.app.config.ApiProperties;
import io.podtally.cache.RefreshingPodCountCache;
import io.podtally.k8s.ClusterRegistry;
import java.security.SecureRandom;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * The event streams of {@code GET /api/v1/events}, fed by the pod-count events of every replica and by a poll of the
 * watched clusters once a second (node and metrics changes, freshness that decays, and counts deleted in Redis
 * without an event).
 */
@Configuration(proxyBeanMethods = false)
class EventStreamConfiguration {

    private static final Duration POLL = Duration.ofSeconds(1);
    private static final Duration LINGER = Duration.ofSeconds(30);
    private static final int RECENT_EVENTS = 256;
    private static final Duration RECONNECT = Duration.ofSeconds(3);

    @Bean
    EventStreams eventStreams(ApiProperties api, ClusterRegistry registry, RefreshingPodCountCache podCounts,
            JsonMapper json, MeterRegistry meterRegistry) {
        EventStreams.Settings settings = new EventStreams.Settings(api.maxEventStreams(), api.eventHeartbeat(), POLL,
                LINGER, RECENT_EVENTS, RECONNECT);
        EventStreams streams = new EventStreams(settings, new NodeListVersions(registry, podCounts), json,
                Long.toUnsignedString(new SecureRandom().nextLong(), 36));
        podCounts.addListener(event -> streams.signal(event.cluster()));
        Gauge.builder("podtally.api.event.streams", streams, EventStreams::openStreams)
                .description("event streams open on this replica").register(meterRegistry);
        return streams;
    }
}
