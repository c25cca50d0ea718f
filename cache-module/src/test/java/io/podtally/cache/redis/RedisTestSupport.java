package io.podtally.cache.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

    /** The {@code ACL SETUSER podtally …} line of the operations guide ({@code docs/operations.md}), word by word. */
    public static List<String> documentedAclLine() {
        try {
            Path guide = Path.of("").toAbsolutePath();
            while (!Files.exists(guide.resolve("docs/operations.md"))) {
                guide = guide.getParent();
            }
            String line = Files.readAllLines(guide.resolve("docs/operations.md")).stream()
                    .filter(l -> l.startsWith("ACL SETUSER podtally ")).findFirst().orElseThrow();
            return Arrays.asList(line.trim().split("\\s+"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The documented {@code ACL SETUSER} line for {@code user} with {@code password}, and {@code moreRules} after it
     * (such as {@code -@write}): the arguments of {@code redis-cli}.
     */
    public static String[] aclSetUser(String user, String password, String... moreRules) {
        List<String> line = new ArrayList<>();
        for (String word : documentedAclLine()) {
            line.add(word.equals("><password>") ? ">" + password : word);
        }
        line.set(2, user);
        line.addAll(List.of(moreRules));
        return line.toArray(String[]::new);
    }
}
