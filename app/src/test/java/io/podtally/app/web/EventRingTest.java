package io.podtally.app.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("EventRing and EventToken")
class EventRingTest {

    private static StreamEvent event(long seq) {
        return new StreamEvent(seq, "change", "r-" + seq + "-0123456789abcdef", "{}");
    }

    @Test
    @DisplayName("the events after a held sequence number are replayed exactly, oldest first")
    void replay() {
        EventRing ring = new EventRing(3, 10);
        ring.add(event(11));
        ring.add(event(14));
        ring.add(event(15));

        assertThat(ring.after(10)).hasValueSatisfying(events ->
                assertThat(events).extracting(StreamEvent::sequence).containsExactly(11L, 14L, 15L));
        assertThat(ring.after(14)).hasValueSatisfying(events ->
                assertThat(events).extracting(StreamEvent::sequence).containsExactly(15L));
        assertThat(ring.after(15)).hasValueSatisfying(events -> assertThat(events).isEmpty());
        assertThat(ring.head()).isEqualTo(15);
    }

    @Test
    @DisplayName("a sequence number older than what is held, or from the future, cannot be resumed")
    void tooOld() {
        EventRing ring = new EventRing(2, 10);
        ring.add(event(11));
        ring.add(event(12));
        ring.add(event(13));

        assertThat(ring.after(10)).isEmpty();
        assertThat(ring.after(11)).isPresent();
        assertThat(ring.after(99)).isEmpty();

        ring.restart(20);
        assertThat(ring.after(13)).isEmpty();
        assertThat(ring.head()).isEqualTo(20);
    }

    @Test
    @DisplayName("a token reads back as written; other strings are no token")
    void tokens() {
        EventToken token = new EventToken("k3x9", 42, "0123456789abcdef");

        assertThat(EventToken.parse(token.toString())).hasValue(token);
        assertThat(EventToken.parse("k3x9-42")).isEmpty();
        assertThat(EventToken.parse("K3X9-42-0123456789abcdef")).isEmpty();
        assertThat(EventToken.parse(null)).isEmpty();
        assertThat(EventToken.tagOf("W/\"0123456789abcdef0011223344556677\"")).isEqualTo("0123456789abcdef");
    }
}
