package io.podtally.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import io.podtally.cache.redis.RedisConnectionSettings;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

@DisplayName("Redis settings from spring.data.redis.*")
class RedisSettingsFactoryTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class));

    @Test
    @DisplayName("host, port, database, credentials and timeout of a single server")
    void standalone() {
        settings(s -> {
            assertThat(s.host()).isEqualTo("redis.internal");
            assertThat(s.port()).isEqualTo(6380);
            assertThat(s.database()).isEqualTo(3);
            assertThat(s.username()).isEqualTo("podtally");
            assertThat(s.password()).isEqualTo("secret");
            assertThat(s.timeout()).isEqualTo(Duration.ofMillis(750));
            assertThat(s.lockWatchdogTimeout()).isEqualTo(Duration.ofSeconds(30));
            assertThat(s.cluster()).isFalse();
            assertThat(s.toString()).doesNotContain("secret");
        }, "spring.data.redis.host=redis.internal", "spring.data.redis.port=6380", "spring.data.redis.database=3",
                "spring.data.redis.username=podtally", "spring.data.redis.password=secret",
                "spring.data.redis.timeout=750ms");
    }

    @Test
    @DisplayName("a rediss:// URL wins over host and port, with TLS")
    void url() {
        settings(s -> {
            assertThat(s.host()).isEqualTo("cache.example");
            assertThat(s.port()).isEqualTo(6390);
            assertThat(s.database()).isEqualTo(1);
            assertThat(s.password()).isEqualTo("pw");
            assertThat(s.ssl()).isTrue();
        }, "spring.data.redis.url=rediss://:pw@cache.example:6390/1", "spring.data.redis.host=ignored");
    }

    @Test
    @DisplayName("Sentinel and Cluster nodes")
    void sentinelAndCluster() {
        settings(s -> {
            assertThat(s.sentinel()).isTrue();
            assertThat(s.sentinelMaster()).isEqualTo("mymaster");
            assertThat(s.sentinelNodes()).containsExactly("s1:26379", "s2:26379");
        }, "spring.data.redis.sentinel.master=mymaster", "spring.data.redis.sentinel.nodes=s1:26379,s2:26379");
        settings(s -> {
            assertThat(s.cluster()).isTrue();
            assertThat(s.clusterNodes()).isEqualTo(List.of("n1:7000", "n2:7001"));
        }, "spring.data.redis.cluster.nodes=n1:7000,n2:7001");
    }

    @Test
    @DisplayName("without spring.data.redis.timeout the timeout is 500 ms")
    void defaultTimeout() {
        settings(s -> assertThat(s.timeout()).isEqualTo(RedisSettingsFactory.DEFAULT_TIMEOUT));
    }

    @Test
    @DisplayName("the Sentinels' own username and password, apart from the data nodes' password")
    void sentinelCredentials() {
        settings(s -> {
            assertThat(s.sentinelUsername()).isEqualTo("watcher");
            assertThat(s.sentinelPassword()).isEqualTo("sentinel-pw");
            assertThat(s.password()).isEqualTo("data-pw");
            assertThat(s.toString()).doesNotContain("sentinel-pw").doesNotContain("data-pw");
        }, "spring.data.redis.sentinel.master=mymaster", "spring.data.redis.sentinel.nodes=s1:26379",
                "spring.data.redis.sentinel.username=watcher", "spring.data.redis.sentinel.password=sentinel-pw",
                "spring.data.redis.password=data-pw");
    }

    @Test
    @DisplayName("the Lettuce cluster refresh properties set both clients' topology refresh; 5 s without them")
    void topologyRefresh() {
        settings(s -> {
            assertThat(s.topologyRefreshPeriod()).isEqualTo(Duration.ofSeconds(2));
            assertThat(s.adaptiveTopologyRefresh()).isTrue();
        }, "spring.data.redis.cluster.nodes=n1:7000", "spring.data.redis.lettuce.cluster.refresh.period=2s",
                "spring.data.redis.lettuce.cluster.refresh.adaptive=true");
        settings(s -> assertThat(s.topologyRefreshPeriod()).isEqualTo(Duration.ofSeconds(5)),
                "spring.data.redis.cluster.nodes=n1:7000");
    }

    @Test
    @DisplayName("spring.data.redis.ssl.bundle: TLS on, with the bundle's trust material")
    void sslBundle() {
        runner.withPropertyValues("spring.data.redis.ssl.bundle=redis",
                        "spring.ssl.bundle.jks.redis.truststore.location=file:" + System.getProperty("java.home")
                                + "/lib/security/cacerts",
                        "spring.ssl.bundle.jks.redis.truststore.password=changeit")
                .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
                .run(context -> {
                    RedisConnectionSettings s = RedisSettingsFactory.create(
                            context.getBean(DataRedisConnectionDetails.class),
                            context.getBean(DataRedisProperties.class), Duration.ofSeconds(30));
                    assertThat(s.ssl()).isTrue();
                    assertThat(s.sslTrust()).isNotNull();
                    assertThat(s.sslKeys()).isNull();
                });
        settings(s -> assertThat(s.ssl()).isTrue(), "spring.data.redis.ssl.enabled=true");
    }

    private void settings(Consumer<RedisConnectionSettings> check, String... properties) {
        runner.withPropertyValues(properties).run(context -> check.accept(RedisSettingsFactory.create(
                context.getBean(DataRedisConnectionDetails.class), context.getBean(DataRedisProperties.class),
                Duration.ofSeconds(30))));
    }
}
