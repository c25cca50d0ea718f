package io.podtally.k8s.sim;

import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers watch requests: over a WebSocket, as fabric8 clients open them, the watch replays and then
 * follows the cluster's changes; over plain HTTP it gets the replayed events and ends. A WebSocket
 * watch ends after its {@code timeoutSeconds}, or after the cluster's watch timeout when that is
 * shorter, as the API server ends watches.
 */
final class WatchHandler {

    private static final Logger log = LoggerFactory.getLogger(WatchHandler.class);
    private static final String BOOKMARK = "{\"type\":\"BOOKMARK\"";

    private final ClusterState state;
    private final ScheduledExecutorService timer;
    private final Supplier<Duration> watchTimeout;
    private final RequestCounters counters;

    WatchHandler(ClusterState state, ScheduledExecutorService timer, Supplier<Duration> watchTimeout,
            RequestCounters counters) {
        this.state = state;
        this.timer = timer;
        this.watchTimeout = watchTimeout;
        this.counters = counters;
    }

    /**
     * A watch.
     *
     * @param timeout the request's {@code timeoutSeconds}, or {@code null}
     * @param bookmarks whether the request allowed bookmarks
     */
    MockResponse watch(ClusterState.Kind kind, Long since, FieldSelector selector, String namespace,
            boolean webSocket, Duration timeout, boolean bookmarks) {
        if (!webSocket) {
            return replay(kind, since, selector, namespace);
        }
        Duration limit = watchTimeout.get();
        if (timeout != null && (limit == null || timeout.compareTo(limit) < 0)) {
            limit = timeout;
        }
        return new MockResponse().withWebSocketUpgrade(
                new WatchListener(kind, since, selector, namespace, bookmarks, limit));
    }

    private MockResponse replay(ClusterState.Kind kind, Long since, FieldSelector selector, String namespace) {
        List<String> lines = new ArrayList<>();
        ClusterState.WatchSink collector = new ClusterState.WatchSink() {
            @Override
            public void send(String text) {
                lines.add(text);
            }

            @Override
            public void close(int code, String reason) {
                // the HTTP response ends after the replay
            }
        };
        state.openWatch(kind, since, selector, namespace, collector);
        state.closeWatch(collector);
        return SimResponses.json(200, String.join("\n", lines) + (lines.isEmpty() ? "" : "\n"));
    }

    /**
     * A watch over a WebSocket. Writing to the mock server's WebSocket from outside its event loop
     * waits for that loop, which may itself be waiting for the cluster state's lock to serve a
     * list page; so events go through an ordered outbox and are written outside the lock.
     */
    private final class WatchListener extends WebSocketListener implements ClusterState.WatchSink {

        private final ClusterState.Kind kind;
        private final Long since;
        private final FieldSelector selector;
        private final String namespace;
        private final boolean bookmarks;
        private final Duration timeout;
        private final OrderedOutbox outbox = new OrderedOutbox();
        private volatile WebSocket socket;
        private volatile boolean closed;

        WatchListener(ClusterState.Kind kind, Long since, FieldSelector selector, String namespace, boolean bookmarks,
                Duration timeout) {
            this.kind = kind;
            this.since = since;
            this.selector = selector;
            this.namespace = namespace;
            this.bookmarks = bookmarks;
            this.timeout = timeout;
        }

        @Override
        public void onOpen(WebSocket webSocket, Response response) {
            socket = webSocket;
            state.openWatch(kind, since, selector, namespace, bookmarks, this);
            if (timeout != null) {
                timer.schedule(() -> close(1000, "watch timeout"), Math.max(1, timeout.toMillis()),
                        TimeUnit.MILLISECONDS);
            }
        }

        @Override
        public void onClosing(WebSocket webSocket, int code, String reason) {
            ended();
        }

        @Override
        public void onClosed(WebSocket webSocket, int code, String reason) {
            ended();
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable t, Response response) {
            ended();
        }

        private void ended() {
            closed = true;
            state.closeWatch(this);
        }

        @Override
        public void send(String text) {
            outbox.submit(() -> write(text));
        }

        private void write(String text) {
            if (closed) {
                return;
            }
            if (!socket.send(text)) {
                log.debug("{} watch event not written; closing the watch so that the client lists again", kind);
                ended();
                socket.close(1011, "watch event not written");
            } else if (kind == ClusterState.Kind.PODS && !text.startsWith(BOOKMARK)) {
                counters.podEventSent(System.nanoTime());
            }
        }

        @Override
        public void close(int code, String reason) {
            state.closeWatch(this);
            outbox.submit(() -> {
                closed = true;
                socket.close(code, reason);
            });
        }
    }
}
