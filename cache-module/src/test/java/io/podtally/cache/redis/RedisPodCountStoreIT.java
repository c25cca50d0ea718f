package io.podtally.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podtally.cache.PodCountSnapshot;
import io.podtally.cache.PodCountStore;
import io.podtally.cache.PodCountStoreContract;
import io.podtally.cache.RefreshLock;
import io.podtally.cache.StoreUnavailableException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

@DisplayName("RedisPodCountStore")
class RedisPodCountStoreIT extends PodCountStoreContract {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final AtomicInteger CLUSTERS = new AtomicInteger();

    private static LettuceConnectionFactory factory;
    private static StringRedisTemplate template;
    private static RedisPodCountStore store;
    private static RedissonClient redisson;
    private String cluster;

    @BeforeAll
    static void connect() {
        factory = RedisTestSupport.lettuce(REDIS.port());
        template = new StringRedisTemplate(factory);
        store = new RedisPodCountStore(template, SETTINGS);
        redisson = RedisTestSupport.redisson(REDIS.port());
    }

    @AfterAll
    static void disconnect() {
        redisson.shutdown();
        factory.destroy();
    }

    @Override
    protected RefreshLock lock() {
        return new RedissonRefreshLock(redisson);
    }

    @BeforeEach
    void newCluster() {
        cluster = "c" + CLUSTERS.incrementAndGet();
    }

    @Override
    protected PodCountStore store() {
        return store;
    }

    @Override
    protected String cluster() {
        return cluster;
    }

    @Test
    @DisplayName("keeps the operator's key layout: one hash podtally:{C}:podcounts with @ meta fields")
    void keyLayout() {
        store.write(cluster, complete(T0, Map.of("node-a", 3, "node-b", 7)));

        String key = "podtally:{" + cluster + "}:podcounts";
        assertThat(REDIS.server().cli("TYPE", key)).isEqualTo("hash");
        Map<Object, Object> hash = template.opsForHash().entries(key);
        assertThat(hash).containsOnlyKeys("node-a", "node-b", "@fetched_at", "@ended_at", "@fresh_until", "@stale_until",
                "@complete", "@source", "@pages", "@pods", "@generation", "@failures");
        assertThat(hash).containsEntry("node-a", "3")
                .containsEntry("@fetched_at", Long.toString(T0.toEpochMilli()))
                .containsEntry("@fresh_until", Long.toString(T0.plus(SETTINGS.freshFor()).toEpochMilli()))
                .containsEntry("@complete", "1")
                .containsEntry("@source", "paginated")
                .containsEntry("@generation", "1");
        long ttl = Long.parseLong(REDIS.server().cli("PTTL", key));
        assertThat(ttl).isBetween(SETTINGS.retention().toMillis() - 60_000, SETTINGS.retention().toMillis());
    }

    @Test
    @DisplayName("writes and reads a snapshot of 5,000 nodes")
    void largeSnapshot() {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 5_000; i++) {
            counts.put("node-" + i, i % 110);
        }
        assertThat(store.write(cluster, complete(T0, counts)).accepted()).isTrue();

        PodCountSnapshot read = store.read(cluster).orElseThrow();
        assertThat(read.counts()).hasSize(5_000).containsEntry("node-4999", 4999 % 110);
    }

    @Test
    @DisplayName("a stored backoff sets the retention on a key that had none")
    void backoffExpires() {
        store.setBackoff(cluster, T0, 1);

        assertThat(Long.parseLong(REDIS.server().cli("PTTL", RedisPodCountStore.key(cluster)))).isPositive();
    }

    @Test
    @DisplayName("an unreachable Redis is a StoreUnavailableException")
    void unreachable() {
        LettuceConnectionFactory nowhere = RedisTestSupport.lettuce(RedisTestSupport.closedPort());
        try {
            RedisPodCountStore unreachable = new RedisPodCountStore(new StringRedisTemplate(nowhere), SETTINGS);
            assertThatThrownBy(() -> unreachable.read(cluster)).isInstanceOf(StoreUnavailableException.class);
        } finally {
            nowhere.destroy();
        }
    }
}
