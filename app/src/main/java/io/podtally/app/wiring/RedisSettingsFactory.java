package io.podtally.app.wiring;

import io.podtally.cache.redis.RedisConnectionSettings;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;

/**
 * Builds the cache module's {@link RedisConnectionSettings} from Spring Boot's {@code spring.data.redis.*}
 * ({@code url}, {@code host}/{@code port}/{@code database}, {@code username}/{@code password}, {@code sentinel.*},
 * {@code cluster.nodes}, {@code ssl.enabled}, {@code timeout}), so Lettuce and Redisson connect to the same Redis.
 */
public final class RedisSettingsFactory {

    static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(500);

    private RedisSettingsFactory() {
    }

    /** The settings of {@code spring.data.redis.*}, with podtally's lock watchdog timeout. */
    public static RedisConnectionSettings create(
            DataRedisConnectionDetails details, DataRedisProperties properties, Duration lockWatchdogTimeout) {
        Duration timeout = properties.getTimeout() != null ? properties.getTimeout() : DEFAULT_TIMEOUT;
        boolean ssl = properties.getSsl().isEnabled()
                || (properties.getUrl() != null && properties.getUrl().startsWith("rediss://"));
        String username = details.getUsername();
        String password = details.getPassword();
        if (details.getCluster() != null) {
            return new RedisConnectionSettings(null, 0, username, password, 0, ssl, timeout, null, List.of(),
                    nodes(details.getCluster().getNodes()), lockWatchdogTimeout);
        }
        if (details.getSentinel() != null) {
            DataRedisConnectionDetails.Sentinel sentinel = details.getSentinel();
            return new RedisConnectionSettings(null, 0, username, password, sentinel.getDatabase(), ssl, timeout,
                    sentinel.getMaster(), nodes(sentinel.getNodes()), List.of(), lockWatchdogTimeout);
        }
        DataRedisConnectionDetails.Standalone standalone = details.getStandalone();
        return new RedisConnectionSettings(standalone.getHost(), standalone.getPort(), username, password,
                standalone.getDatabase(), ssl, timeout, null, List.of(), List.of(), lockWatchdogTimeout);
    }

    private static List<String> nodes(List<DataRedisConnectionDetails.Node> nodes) {
        return nodes.stream().map(node -> node.host() + ":" + node.port()).toList();
    }
}
