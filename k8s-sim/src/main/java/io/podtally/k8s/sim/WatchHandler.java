package io.podtally.k8s.sim;

import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers watch requests: over a WebSocket, as fabric8 clients open them, the watch replays and then
 * follows the cluster's changes; over plain HTTP it gets the replayed events and ends.
 */
final class WatchHandler {

    private static final Logger log = LoggerFactory.getLogger(WatchHandler.class);

    private final ClusterState state;

    WatchHandler(ClusterState state) {
        this.state = state;
    }

    MockResponse watch(ClusterState.Kind kind, Long since, FieldSelector selector, String namespace,
            boolean webSocket) {
        if (!webSocket) {
            return replay(kind, since, selector, namespace);
        }
        return new MockResponse().withWebSocketUpgrade(new WatchListener(kind, since, selector, namespace));
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
        private final OrderedOutbox outbox = new OrderedOutbox();
        private volatile WebSocket socket;
        private volatile boolean closed;

        WatchListener(ClusterState.Kind kind, Long since, FieldSelector selector, String namespace) {
            this.kind = kind;
            this.since = since;
            this.selector = selector;
            this.namespace = namespace;
        }

        @Override
        public void onOpen(WebSocket webSocket, Response response) {
            socket = webSocket;
            state.openWatch(kind, since, selector, namespace, this);
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
