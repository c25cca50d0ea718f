package io.podtally.app.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeInfoTest {

    @DisplayName("age is shown as kubectl shows it")
    @ParameterizedTest(name = "{0} s old shows as {1}")
    @CsvSource({"5, 5s", "119, 119s", "120, 2m", "7199, 119m", "7200, 2h", "172799, 47h", "172800, 2d", "-3, 0s"})
    void age(long seconds, String expected) {
        Instant now = Instant.parse("2026-01-10T00:00:00Z");

        assertThat(NodeInfo.age(now.minusSeconds(seconds), now)).isEqualTo(expected);
    }
}
