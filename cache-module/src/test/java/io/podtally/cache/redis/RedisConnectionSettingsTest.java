package io.podtally.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
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
}
