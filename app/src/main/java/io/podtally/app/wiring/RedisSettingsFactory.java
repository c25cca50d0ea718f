package io.podtally.app.wiring;

import io.podtally.cache.redis.RedisConnectionSettings;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.ssl.SslBundle;

/**
 * Builds the cache module's {@link RedisConnectionSettings} from Spring Boot's {@code spring.data.redis.*}
 * ({@code url}, {@code host}/{@code port}/{@code database}, {@code username}/{@code password}, {@code sentinel.*}
 * with the Sentinels' own {@code sentinel.username}/{@code sentinel.password}, {@code cluster.nodes},
 * {@code ssl.enabled}, {@code ssl.bundle}, {@code timeout}, {@code lettuce.cluster.refresh.period}/{@code adaptive}),
 * so Lettuce and Redisson connect to the same Redis the same way. podtally builds both clients itself rather than
 * using Spring Boot's auto-configured connection factory, so the SSL bundle's trust and key material is handed to
 * each of them here; the refresh period is also Redisson's Cluster scan interval.
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
        SslBundle bundle = details.getSslBundle();
        TrustManagerFactory trust = bundle == null ? null : bundle.getManagers().getTrustManagerFactory();
        KeyManagerFactory keys = bundle == null || bundle.getStores().getKeyStore() == null ? null
                : bundle.getManagers().getKeyManagerFactory();
        ssl = ssl || bundle != null;
        DataRedisProperties.Lettuce.Cluster.Refresh refresh = properties.getLettuce().getCluster().getRefresh();
        Duration refreshPeriod = refresh.getPeriod();
        boolean adaptive = refresh.isAdaptive();
        if (details.getCluster() != null) {
            return new RedisConnectionSettings(null, 0, username, password, 0, ssl, timeout, null, List.of(),
                    nodes(details.getCluster().getNodes()), lockWatchdogTimeout, null, null, refreshPeriod, adaptive,
                    trust, keys);
        }
        if (details.getSentinel() != null) {
            DataRedisConnectionDetails.Sentinel sentinel = details.getSentinel();
            return new RedisConnectionSettings(null, 0, username, password, sentinel.getDatabase(), ssl, timeout,
                    sentinel.getMaster(), nodes(sentinel.getNodes()), List.of(), lockWatchdogTimeout,
                    sentinel.getUsername(), sentinel.getPassword(), refreshPeriod, adaptive, trust, keys);
        }
        DataRedisConnectionDetails.Standalone standalone = details.getStandalone();
        return new RedisConnectionSettings(standalone.getHost(), standalone.getPort(), username, password,
                standalone.getDatabase(), ssl, timeout, null, List.of(), List.of(), lockWatchdogTimeout, null, null,
                refreshPeriod, adaptive, trust, keys);
    }

    private static List<String> nodes(List<DataRedisConnectionDetails.Node> nodes) {
        return nodes.stream().map(node -> node.host() + ":" + node.port()).toList();
    }
}
