package io.podtally.k8s.fabric8;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Retry-After of a 429 pod page")
class PodRetryAfterTest {

    @Test
    @DisplayName("reads seconds and an HTTP date, never less than one second, and falls back to one second")
    void parses() {
        assertThat(Fabric8PodCounter.retryAfter("7")).isEqualTo(Duration.ofSeconds(7));
        assertThat(Fabric8PodCounter.retryAfter(" 0 ")).isEqualTo(Duration.ofSeconds(1));
        assertThat(Fabric8PodCounter.retryAfter("-5")).isEqualTo(Duration.ofSeconds(1));
        String inTenSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(10));
        assertThat(Fabric8PodCounter.retryAfter(inTenSeconds)).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(10));
        assertThat(Fabric8PodCounter.retryAfter("Mon, 01 Jan 2001 00:00:00 GMT")).isEqualTo(Duration.ofSeconds(1));
        assertThat(Fabric8PodCounter.retryAfter(null)).isEqualTo(Duration.ofSeconds(1));
        assertThat(Fabric8PodCounter.retryAfter("soon")).isEqualTo(Duration.ofSeconds(1));
    }
}
