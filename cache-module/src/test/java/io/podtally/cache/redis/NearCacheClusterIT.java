package io.podtally.cache.redis;

import static io.podtally.cache.redis.NearCacheReplicas.podsOn;
import static io.podtally.cache.redis.NearCacheReplicas.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("Near cache on a Redis Cluster of three masters: tracking per master")
@Timeout(180)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NearCacheClusterIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static RedisClusterNodes redis;

    @BeforeAll
    static void startCluster() {
        redis = RedisClusterNodes.start();
    }

    @AfterAll
    static void stopCluster() {
        if (redis != null) {
            redis.close();
        }
    }

    private static RedisBackend replica() {
        return replica(new SimpleMeterRegistry());
    }

    private static RedisBackend replica(MeterRegistry meters) {
        return NearCacheReplicas.start(redis.settings(Duration.ofSeconds(1)), meters, WAIT);
    }

    @Test
    @Order(1)
    @DisplayName("writes and an operator's DEL of keys on two different masters reach the other replica's copies")
    void keysOnDifferentMasters() {
        String first = "c-first";
        String second = IntStream.range(0, 100).mapToObj(i -> "c-" + i)
                .filter(name -> redis.masterOf(RedisPodCountStore.key(name)).port()
                        != redis.masterOf(RedisPodCountStore.key(first)).port())
                .findFirst().orElseThrow();
        try (RedisBackend a = replica(); RedisBackend b = replica()) {
            a.store().write(first, snapshot(1));
            a.store().write(second, snapshot(2));
            assertThat(podsOn(b, first)).contains(1);
            assertThat(podsOn(b, second)).contains(2);

            a.store().write(first, snapshot(11));
            a.store().write(second, snapshot(12));

            await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5))
                    .until(() -> podsOn(b, first).equals(Optional.of(11)) && podsOn(b, second).equals(Optional.of(12)));

            redis.cli("DEL", RedisPodCountStore.key(second));

            await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5))
                    .until(() -> b.store().read(second).isEmpty());
            assertThat(podsOn(b, first)).contains(11);
        }
    }

    @Test
    @Order(2)
    @DisplayName("a master killed: tracking ends and the copies go; after the failover every new master is tracked")
    void failover() {
        String stable = "f-stable";
        String victim = IntStream.range(0, 100).mapToObj(i -> "f-" + i)
                .filter(name -> redis.masterOf(RedisPodCountStore.key(name)).port()
                        != redis.masterOf(RedisPodCountStore.key(stable)).port())
                .findFirst().orElseThrow();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (RedisBackend a = replica(); RedisBackend b = replica(meters)) {
            a.store().write(stable, snapshot(1));
            a.store().write(victim, snapshot(2));
            await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5))
                    .until(() -> podsOn(b, stable).equals(Optional.of(1)) && podsOn(b, victim).equals(Optional.of(2)));

            RedisNode master = redis.masterOf(RedisPodCountStore.key(victim));
            master.kill();

            await().atMost(WAIT).until(() -> b.nearCache().startsWith("not tracking"));
            redis.awaitFailover(master, RedisPodCountStore.key(victim), WAIT);
            await().atMost(WAIT).until(() -> "tracking".equals(b.nearCache()));
            double missesBefore = meters.counter("podtally.near_cache.requests", "result", "miss").count();
            assertThat(podsOn(b, stable)).as("the copy from before the failover is gone").contains(1);
            assertThat(meters.counter("podtally.near_cache.requests", "result", "miss").count())
                    .isGreaterThan(missesBefore);

            await().atMost(WAIT).ignoreExceptions().until(() -> a.store().write(victim, snapshot(22)).accepted());
            await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).ignoreExceptions()
                    .until(() -> podsOn(b, victim).equals(Optional.of(22)));
        }
    }
}
