package io.podtally.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.podtally.cache.PodCountEvent;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("RedisPodCountEvents wire format")
class RedisPodCountEventsTest {

    @Test
    @DisplayName("an event is {\"cluster\":C,\"generation\":n,\"reason\":…} and reads back")
    void roundTrip() {
        PodCountEvent event = new PodCountEvent("prod-eu", 42, PodCountEvent.Reason.WRITE);

        String json = RedisPodCountEvents.toJson(event);

        assertThat(json).isEqualTo("{\"cluster\":\"prod-eu\",\"generation\":42,\"reason\":\"write\"}");
        assertThat(RedisPodCountEvents.fromJson(json)).isEqualTo(event);
        assertThat(RedisPodCountEvents.fromJson("{\"cluster\":\"c\",\"generation\":0,\"reason\":\"invalidate\"}"))
                .isEqualTo(new PodCountEvent("c", 0, PodCountEvent.Reason.INVALIDATE));
    }
}
