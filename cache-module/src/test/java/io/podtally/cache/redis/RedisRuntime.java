package io.podtally.cache.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where {@link RedisServer} runs Redis, decided once per JVM: in a container of a local image
 * (testcontainers-redis) when a Docker engine answers and has the image, otherwise as a local
 * {@code redis-server} process. The system property {@code podtally.test.redis} forces one:
 * {@code container}, {@code process} or {@code auto} (the default); {@code podtally.test.redis.image}
 * names the image ({@code local/redis:7}, built by {@code deploy/local-images/build.sh}).
 */
record RedisRuntime(boolean container, String image, String reason) {

    static final String PROPERTY = "podtally.test.redis";
    static final String IMAGE_PROPERTY = "podtally.test.redis.image";
    static final String DEFAULT_IMAGE = "local/redis:7";

    private static final Logger log = LoggerFactory.getLogger(RedisRuntime.class);
    private static final long ENGINE_TIMEOUT_MS = 2000;

    private static final class Chosen {
        static final RedisRuntime INSTANCE = decide();
    }

    static RedisRuntime chosen() {
        return Chosen.INSTANCE;
    }

    /** What a test report shows: the kind of Redis and why it was chosen. */
    String describe() {
        return (container ? "container of " + image + " (testcontainers-redis)" : "local redis-server process")
                + "; " + reason;
    }

    private static RedisRuntime decide() {
        String image = System.getProperty(IMAGE_PROPERTY, DEFAULT_IMAGE);
        String mode = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        RedisRuntime runtime = switch (mode) {
            case "process" -> new RedisRuntime(false, image, PROPERTY + "=process");
            case "container" -> forcedContainer(image);
            case "auto", "" -> automatic(image);
            default -> throw new IllegalStateException(PROPERTY + " must be auto, container or process, not " + mode);
        };
        log.info("Redis for tests: {}", runtime.describe());
        return runtime;
    }

    private static RedisRuntime forcedContainer(String image) {
        String missing = missingForContainer(image);
        if (missing != null) {
            throw new IllegalStateException(PROPERTY + "=container, but " + missing);
        }
        return new RedisRuntime(true, image, PROPERTY + "=container");
    }

    private static RedisRuntime automatic(String image) {
        String missing = missingForContainer(image);
        return missing == null
                ? new RedisRuntime(true, image, "a Docker engine answers and has " + image)
                : new RedisRuntime(false, image, missing);
    }

    /** Why no container can be used, or {@code null} when one can. */
    private static String missingForContainer(String image) {
        if (!onClassPath("com.redis.testcontainers.RedisContainer")) {
            return "testcontainers-redis is not on the class path";
        }
        int ping = engineStatus("/_ping");
        if (ping != 200) {
            return "no Docker engine answers" + (ping > 0 ? " (_ping: HTTP " + ping + ")" : "");
        }
        int inspect = engineStatus("/images/" + image + "/json");
        if (inspect != 200) {
            return "the Docker engine has no image " + image + " (deploy/local-images/build.sh builds it)";
        }
        return null;
    }

    private static boolean onClassPath(String className) {
        try {
            Class.forName(className, false, RedisRuntime.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** The HTTP status of a GET to the engine named by {@code DOCKER_HOST} (default: its Unix socket), or -1. */
    private static int engineStatus(String path) {
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> get(path));
        try {
            return status.get(ENGINE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            status.cancel(true);
            log.debug("Docker engine did not answer GET {}: {}", path, e.toString());
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static int get(String path) {
        String host = System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
        byte[] request = ("GET " + path + " HTTP/1.0\r\nHost: docker\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        try {
            URI uri = URI.create(host);
            if ("unix".equals(uri.getScheme())) {
                Path socket = Path.of(uri.getPath());
                if (!Files.exists(socket)) {
                    return -1;
                }
                try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    channel.connect(UnixDomainSocketAddress.of(socket));
                    channel.write(ByteBuffer.wrap(request));
                    return status(Channels.newInputStream(channel));
                }
            }
            if ("tcp".equals(uri.getScheme())) {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), (int) ENGINE_TIMEOUT_MS);
                    socket.setSoTimeout((int) ENGINE_TIMEOUT_MS);
                    OutputStream out = socket.getOutputStream();
                    out.write(request);
                    out.flush();
                    return status(socket.getInputStream());
                }
            }
            return -1;
        } catch (IOException | IllegalArgumentException e) {
            log.debug("Docker engine at {} did not answer GET {}: {}", host, path, e.toString());
            return -1;
        }
    }

    private static int status(InputStream in) throws IOException {
        String line = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
        if (!line.startsWith("HTTP/1.") || line.length() < 12) {
            return -1;
        }
        return Integer.parseInt(line.substring(9, 12));
    }
}
