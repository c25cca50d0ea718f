package io.podtally.cache.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.redisson.api.RedissonClient;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/** Clients on a test {@link RedisServer}, built the way the application builds them. */
public final class RedisTestSupport {

    private RedisTestSupport() {}

    /** Connection settings for 127.0.0.1:{@code port}, 500 ms timeout, 2 s lock watchdog. */
    public static RedisConnectionSettings settings(int port) {
        return RedisConnectionSettings.standalone("127.0.0.1", port).withLockWatchdogTimeout(Duration.ofSeconds(2));
    }

    /** A started Lettuce connection factory; {@code destroy()} it at the end. */
    public static LettuceConnectionFactory lettuce(int port) {
        LettuceConnectionFactory factory = settings(port).lettuce();
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }

    /** A Redisson client; {@code shutdown()} it at the end. */
    public static RedissonClient redisson(int port) {
        return settings(port).redisson();
    }

    /** A port of 127.0.0.1 where nothing listens. */
    public static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
