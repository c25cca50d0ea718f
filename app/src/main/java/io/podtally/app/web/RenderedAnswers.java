package io.podtally.app.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The serialized bytes of this replica's recent answers, by ETag, plain and gzipped: the ETag captures every input of
 * an answer, so a request whose ETag was answered shortly before gets the same bytes without anything being built.
 * Bounded by total bytes; entries expire shortly after being written so that the ages an answer carries stay close
 * to the truth.
 */
@Component
final class RenderedAnswers {

    static final long MAX_BYTES = 64L * 1024 * 1024;
    static final Duration EXPIRE_AFTER_WRITE = Duration.ofSeconds(10);

    private final Cache<String, byte[]> answers;
    private final JsonMapper json;
    private final Counter hits;
    private final Counter misses;

    RenderedAnswers(JsonMapper json, MeterRegistry meters) {
        this.json = json;
        this.answers = Caffeine.newBuilder()
                .maximumWeight(MAX_BYTES)
                .weigher((String key, byte[] bytes) -> key.length() + bytes.length)
                .expireAfterWrite(EXPIRE_AFTER_WRITE)
                .build();
        this.hits = rendered(meters, "hit");
        this.misses = rendered(meters, "miss");
    }

    private static Counter rendered(MeterRegistry meters, String result) {
        return Counter.builder("podtally.api.rendered")
                .description("Node-list answers served from the rendered-answer cache (hit) or built (miss)")
                .tag("result", result)
                .register(meters);
    }

    /** The answer of {@code etag} as JSON, built from {@code body} only when it is not cached. */
    byte[] json(String etag, Supplier<Object> body) {
        boolean[] built = {false};
        byte[] bytes = answers.get("json " + etag, key -> {
            built[0] = true;
            return json.writeValueAsBytes(body.get());
        });
        (built[0] ? misses : hits).increment();
        return bytes;
    }

    /** The answer of {@code etag} as gzipped JSON, built from {@code body} only when it is not cached. */
    byte[] gzip(String etag, Supplier<Object> body) {
        boolean[] built = {false};
        byte[] bytes = answers.get("gzip " + etag, key -> {
            built[0] = true;
            return gzipped(json.writeValueAsBytes(body.get()));
        });
        (built[0] ? misses : hits).increment();
        return bytes;
    }

    private static byte[] gzipped(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, plain.length / 8));
        try (GZIPOutputStream gzip = new GZIPOutputStream(out, 64 * 1024)) {
            gzip.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException("gzip into memory failed", e);
        }
        return out.toByteArray();
    }

    /** Whether an {@code Accept-Encoding} header accepts gzip. */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String coding : acceptEncoding.split(",")) {
            String[] parts = coding.split(";");
            String name = parts[0].trim();
            if (!name.equalsIgnoreCase("gzip") && !name.equalsIgnoreCase("x-gzip")) {
                continue;
            }
            for (int i = 1; i < parts.length; i++) {
                String parameter = parts[i].trim();
                if (parameter.startsWith("q=") || parameter.startsWith("Q=")) {
                    try {
                        return Double.parseDouble(parameter.substring(2).trim()) > 0;
                    } catch (NumberFormatException e) {
                        return false;
                    }
                }
            }
            return true;
        }
        return false;
    }
}
