package io.podtally.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;

/** A Server-Sent Events client for tests: reads one stream on a thread of its own and keeps what it received. */
final class SseClient implements AutoCloseable {

    /** One event; {@code data} parsed as JSON. */
    record Event(String id, String name, JsonNode data) {
    }

    /** One comment line, without its colon, and when it arrived ({@link System#nanoTime()}). */
    record Comment(String text, long receivedNanos) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final HttpResponse<InputStream> response;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<Comment> comments = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile boolean ended;

    private SseClient(HttpResponse<InputStream> response) {
        this.response = response;
        this.reader = new Thread(this::read, "sse-client");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens {@code path} on {@code port}; {@code lastEventId} may be null. Answers other than 200 are kept too. */
    static SseClient open(int port, String path, String lastEventId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        try {
            return new SseClient(HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static SseClient open(Replica replica, String cluster, String lastEventId) {
        return open(portOf(replica), "/api/v1/events?cluster_name=" + cluster, lastEventId);
    }

    static int portOf(Replica replica) {
        return replica.port();
    }

    HttpResponse<InputStream> response() {
        return response;
    }

    int status() {
        return response.statusCode();
    }

    /** The events received so far, in order. */
    List<Event> events() {
        return List.copyOf(events);
    }

    /** The events received so far with the given name. */
    List<Event> events(String name) {
        return events.stream().filter(e -> e.name().equals(name)).toList();
    }

    /** The comments received so far, in order. */
    List<Comment> comments() {
        return List.copyOf(comments);
    }

    Event last() {
        return events.get(events.size() - 1);
    }

    /** Whether the server ended the stream. */
    boolean ended() {
        return ended;
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String id = null;
            String name = "message";
            List<String> data = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        events.add(new Event(id, name, ApiClient.parse(String.join("\n", data))));
                    }
                    id = null;
                    name = "message";
                    data.clear();
                } else if (line.startsWith(":")) {
                    comments.add(new Comment(line.substring(1), System.nanoTime()));
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    data.add(line.substring(5).trim());
                }
            }
        } catch (IOException e) {
            // closed by close() or by the server
        } finally {
            ended = true;
        }
    }

    @Override
    public void close() {
        try {
            response.body().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
