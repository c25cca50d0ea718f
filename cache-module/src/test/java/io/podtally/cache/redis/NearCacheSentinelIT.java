package io.podtally.cache.redis;

import static io.podtally.cache.redis.NearCacheReplicas.podsOn;
import static io.podtally.cache.redis.NearCacheReplicas.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("Near cache through Sentinel: the master's failover ends tracking, the new master is tracked")
@Timeout(180)
class NearCacheSentinelIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static RedisSentinels redis;

    @BeforeAll
    static void startSentinels() {
        redis = RedisSentinels.start();
    }

    @AfterAll
    static void stopSentinels() {
        if (redis != null) {
            redis.close();
        }
    }

    private static double invalidations(SimpleMeterRegistry meters) {
        return meters.counter("podtally.near_cache.invalidations", "scope", "cluster").count();
    }

    private static RedisBackend replica(SimpleMeterRegistry meters) {
        return NearCacheReplicas.start(redis.settings(), meters, WAIT);
    }

    @Test
    @DisplayName("after a SIGKILL of the master the copies go; once the new master is tracked, a write on it reaches "
            + "the other replica's copy")
    void failover() {
        String cluster = "sentinel-near";
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (RedisBackend a = replica(new SimpleMeterRegistry()); RedisBackend b = replica(meters)) {
            a.store().write(cluster, snapshot(1));
            await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5))
                    .until(() -> podsOn(b, cluster).equals(Optional.of(1)));
            redis.awaitReplicated();

            redis.killMaster();

            await().atMost(WAIT).until(() -> b.nearCache().startsWith("not tracking"));
            assertThat(b.nearCachedStore().orElseThrow().size()).as("every copy dropped when tracking ended").isZero();
            redis.awaitFailover(WAIT);
            await().atMost(WAIT).until(() -> "tracking".equals(b.nearCache()));
            await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                    .until(() -> podsOn(b, cluster).equals(Optional.of(1)));

            double pushesBefore = invalidations(meters);
            await().atMost(WAIT).ignoreExceptions().until(() -> a.store().write(cluster, snapshot(2)).accepted());

            await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5))
                    .until(() -> podsOn(b, cluster).equals(Optional.of(2)));
            assertThat(invalidations(meters)).as("the new master's push dropped the copy").isGreaterThan(pushesBefore);
        }
    }
}
