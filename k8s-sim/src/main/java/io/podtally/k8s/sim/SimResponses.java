package io.podtally.k8s.sim;

import io.fabric8.mockwebserver.http.MockResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The HTTP responses of the simulated API server: JSON bodies and {@code Status} errors. */
final class SimResponses {

    private SimResponses() {
    }

    static MockResponse json(int code, byte[] body) {
        return new MockResponse()
                .setResponseCode(code)
                .setHeader("Content-Type", "application/json")
                .setHeader("Cache-Control", "no-cache, private")
                .setBody(body);
    }

    static MockResponse json(int code, String body) {
        return json(code, body.getBytes(StandardCharsets.UTF_8));
    }

    static MockResponse status(int code, String reason, String message) {
        return json(code, ListJson.status(code, reason, message));
    }

    static MockResponse notFound(String message) {
        return status(404, "NotFound", message);
    }

    static MockResponse delayed(MockResponse response, Duration delay) {
        return delay.isZero() || delay.isNegative() ? response : response.setBodyDelay(delay);
    }
}
