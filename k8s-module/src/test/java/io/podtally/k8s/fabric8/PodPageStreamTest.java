package io.podtally.k8s.fabric8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.http.AsyncBody;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("PodPageStream")
class PodPageStreamTest {

    /** An HTTP body that records how often more was asked for. */
    private static final class CountingBody implements AsyncBody {
        private final AtomicInteger requests = new AtomicInteger();

        @Override
        public void consume() {
            requests.incrementAndGet();
        }

        @Override
        public CompletableFuture<Void> done() {
            return new CompletableFuture<>();
        }

        @Override
        public void cancel() {
            // nothing to cancel
        }
    }

    private static PodPageStream stream(long timeoutMillis) {
        return new PodPageStream(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis), System::nanoTime);
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("reads the chunks in order, then the end")
    void readsChunks() throws IOException {
        PodPageStream stream = stream(5000);
        CountingBody body = new CountingBody();
        stream.offer(List.of(bytes("{\"a\":"), bytes("1}")), body);
        stream.end(null);

        assertThat(new String(stream.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
        assertThat(body.requests).hasValue(1);
    }

    @Test
    @DisplayName("pauses the body above the high-water mark and resumes it once read")
    void backpressure() throws IOException {
        PodPageStream stream = stream(5000);
        CountingBody body = new CountingBody();
        stream.offer(List.of(ByteBuffer.allocate(PodPageStream.HIGH_WATER)), body);
        assertThat(body.requests).hasValue(0);

        byte[] sink = new byte[PodPageStream.HIGH_WATER];
        int read = 0;
        while (read < PodPageStream.HIGH_WATER / 2 + 1) {
            read += stream.read(sink, read, sink.length - read);
        }
        assertThat(body.requests).hasValue(1);
    }

    @Test
    @DisplayName("gives up at the page deadline, and says so")
    void deadline() {
        PodPageStream stream = stream(100);

        assertThatThrownBy(stream::read).isInstanceOf(InterruptedIOException.class);
        assertThat(stream.timedOut()).isTrue();
    }

    @Test
    @DisplayName("reports a failed body as an I/O error")
    void failedBody() {
        PodPageStream stream = stream(5000);
        stream.end(new IOException("connection reset"));

        assertThatThrownBy(stream::read).isInstanceOf(IOException.class).hasMessageContaining("connection reset");
        assertThat(stream.timedOut()).isFalse();
    }

    @Test
    @DisplayName("after close, drops what arrives and keeps the body flowing")
    void closeDrops() {
        PodPageStream stream = stream(5000);
        CountingBody body = new CountingBody();
        stream.close();
        stream.offer(List.of(ByteBuffer.allocate(2 * PodPageStream.HIGH_WATER)), body);

        assertThat(body.requests).hasValue(1);
    }
}
