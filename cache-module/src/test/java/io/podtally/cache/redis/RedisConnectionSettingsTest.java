package io.podtally.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import java.io.IOException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.redisson.config.Config;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

@DisplayName("RedisConnectionSettings")
class RedisConnectionSettingsTest {

    private static RedisConnectionSettings settings(
            boolean ssl, String sentinelMaster, List<String> sentinels, List<String> clusterNodes) {
        return new RedisConnectionSettings("redis.example", 6380, "app", "s3cret", 2, ssl, Duration.ofMillis(750),
                sentinelMaster, sentinels, clusterNodes, Duration.ofSeconds(12));
    }

    @Test
    @DisplayName("a single server: Lettuce and Redisson point at the same host, database and credentials")
    void standalone() {
        RedisConnectionSettings settings = settings(false, null, List.of(), List.of());

        LettuceConnectionFactory lettuce = settings.lettuce();
        RedisStandaloneConfiguration server = (RedisStandaloneConfiguration) settings.lettuceServers();
        assertThat(server.getHostName()).isEqualTo("redis.example");
        assertThat(server.getPort()).isEqualTo(6380);
        assertThat(server.getDatabase()).isEqualTo(2);
        assertThat(server.getUsername()).isEqualTo("app");
        assertThat(server.getPassword().get()).containsExactly("s3cret".toCharArray());
        assertThat(lettuce.getClientConfiguration().getCommandTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(lettuce.getClientConfiguration().isUseSsl()).isFalse();

        Config redisson = settings.redissonConfig();
        assertThat(redisson.getLockWatchdogTimeout()).isEqualTo(12_000);
        assertThat(redisson.getUsername()).isEqualTo("app");
        assertThat(redisson.getPassword()).isEqualTo("s3cret");
        assertThat(redisson.isSingleConfig()).isTrue();
    }

    @Test
    @DisplayName("TLS makes Redisson use rediss:// and Lettuce use SSL")
    void ssl() throws IOException {
        RedisConnectionSettings settings = settings(true, null, List.of(), List.of());

        assertThat(settings.lettuce().getClientConfiguration().isUseSsl()).isTrue();
        assertThat(settings.redissonConfig().toYAML()).contains("rediss://redis.example:6380");
    }

    @Test
    @DisplayName("Sentinel: master name and sentinels for both clients")
    void sentinel() throws IOException {
        RedisConnectionSettings settings = settings(false, "mymaster", List.of("s1:26379", "s2:26379"), List.of());

        assertThat(settings.sentinel()).isTrue();
        RedisSentinelConfiguration sentinel = (RedisSentinelConfiguration) settings.lettuceServers();
        assertThat(sentinel.getMaster().getName()).isEqualTo("mymaster");
        assertThat(sentinel.getSentinels()).hasSize(2);
        assertThat(sentinel.getDatabase()).isEqualTo(2);
        assertThat(settings.redissonConfig().toYAML())
                .contains("masterName: \"mymaster\"", "redis://s1:26379", "redis://s2:26379");
    }

    @Test
    @DisplayName("Cluster: seed nodes for both clients, and it wins over Sentinel")
    void cluster() throws IOException {
        RedisConnectionSettings settings =
                settings(true, "mymaster", List.of("s1:26379"), List.of("n1:7000", "n2:7001"));

        assertThat(settings.cluster()).isTrue();
        assertThat(settings.sentinel()).isFalse();
        RedisClusterConfiguration cluster = (RedisClusterConfiguration) settings.lettuceServers();
        assertThat(cluster.getClusterNodes()).hasSize(2);
        assertThat(settings.redissonConfig().isClusterConfig()).isTrue();
        assertThat(settings.redissonConfig().toYAML()).contains("rediss://n1:7000", "rediss://n2:7001");
    }

    @Test
    @DisplayName("toString never shows the password")
    void noPasswordInToString() {
        assertThat(settings(false, null, List.of(), List.of()).toString())
                .doesNotContain("s3cret")
                .contains("password=***");
    }

    @Test
    @DisplayName("Sentinel credentials: the Sentinels' user and password reach both clients, apart from the data nodes'")
    void sentinelCredentials() throws IOException {
        RedisConnectionSettings settings = settings(false, "mymaster", List.of("s1:26379"), List.of())
                .withSentinelCredentials("watcher", "sentinel-pw");

        RedisSentinelConfiguration sentinel = (RedisSentinelConfiguration) settings.lettuceServers();
        assertThat(sentinel.getSentinelUsername()).isEqualTo("watcher");
        assertThat(sentinel.getSentinelPassword().get()).containsExactly("sentinel-pw".toCharArray());
        assertThat(sentinel.getPassword().get()).containsExactly("s3cret".toCharArray());
        assertThat(settings.redissonConfig().toYAML())
                .contains("sentinelUsername: \"watcher\"", "sentinelPassword: \"sentinel-pw\"");
        assertThat(settings.redissonConfig().getPassword()).isEqualTo("s3cret");
        assertThat(settings.toString()).doesNotContain("sentinel-pw").contains("sentinelPassword=***");
    }

    @Test
    @DisplayName("Cluster topology: Lettuce refreshes periodically and adaptively, Redisson scans at the same period")
    void topologyRefresh() throws IOException {
        RedisConnectionSettings settings = settings(false, null, List.of(), List.of("n1:7000"))
                .withTopologyRefresh(Duration.ofSeconds(3), true);

        ClusterClientOptions options = (ClusterClientOptions) settings.lettuce().getClientConfiguration()
                .getClientOptions().orElseThrow();
        ClusterTopologyRefreshOptions refresh = options.getTopologyRefreshOptions();
        assertThat(refresh.isPeriodicRefreshEnabled()).isTrue();
        assertThat(refresh.getRefreshPeriod()).isEqualTo(Duration.ofSeconds(3));
        assertThat(refresh.getAdaptiveRefreshTriggers()).isNotEmpty();
        assertThat(refresh.getAdaptiveRefreshTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(settings.redissonConfig().toYAML()).contains("scanInterval: 3000");

        ClusterTopologyRefreshOptions periodicOnly = ((ClusterClientOptions) settings
                .withTopologyRefresh(Duration.ofSeconds(3), false).lettuce().getClientConfiguration()
                .getClientOptions().orElseThrow()).getTopologyRefreshOptions();
        assertThat(periodicOnly.getAdaptiveRefreshTriggers()).isEmpty();
    }

    @Test
    @DisplayName("without a topology refresh period, both clients reread the Cluster topology every 5 s")
    void defaultTopologyRefresh() throws IOException {
        RedisConnectionSettings settings = settings(false, null, List.of(), List.of("n1:7000"));

        assertThat(settings.topologyRefreshPeriod()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.adaptiveTopologyRefresh()).isTrue();
        assertThat(settings.redissonConfig().toYAML()).contains("scanInterval: 5000");
    }

    @Test
    @DisplayName("TLS trust and key material reach Redisson and turn TLS on")
    void tlsTrust() throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init((KeyStore) null);

        RedisConnectionSettings settings = settings(false, null, List.of(), List.of()).withTls(trust, null);

        assertThat(settings.ssl()).isTrue();
        assertThat(settings.lettuce().getClientConfiguration().isUseSsl()).isTrue();
        assertThat(settings.redissonConfig().getSslTrustManagerFactory()).isSameAs(trust);
        assertThat(settings.toString()).contains("trust=ssl bundle");
    }
}
