package io.podtally.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.podtally.cache.FreshnessState;
import io.podtally.cache.WatchLease;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@DisplayName("Redis Sentinel with passwords on the data nodes and the Sentinels")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SentinelFailoverIT {

    private static final Logger log = LoggerFactory.getLogger(SentinelFailoverIT.class);
    private static final Map<String, Integer> COUNTS = Map.of("node-a", 3, "node-b", 7, "node-c", 11);
    private static final List<String> CLUSTERS = List.of("sentinel-a", "sentinel-b");
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static RedisSentinels redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisSentinels.start();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    @DisplayName("three replicas under load through a SIGKILL of the master: no failed read, no 0, fresh again, "
            + "one refresh, exact counts, events on the new master, the watch lease held through it kept, "
            + "then free")
    void masterKilledUnderLoad() {
        try (FailoverReplicas replicas = new FailoverReplicas(redis.settings(), COUNTS)) {
            replicas.awaitConnected(WAIT);
            replicas.warm(CLUSTERS, WAIT);
            WatchLease.Held lease = replicas.holdLease(CLUSTERS.get(0));
            redis.awaitReplicated();
            replicas.startLoad(CLUSTERS);
            int listsBefore = replicas.source().calls();

            long killed = System.nanoTime();
            redis.killMaster();
            redis.awaitFailover(WAIT);
            long failedOver = System.nanoTime();
            replicas.awaitFresh(CLUSTERS, WAIT);
            long fresh = System.nanoTime();
            replicas.stopLoad();

            FailoverEpisode episode = FailoverEpisode.of("Sentinel, master SIGKILLed",
                    replicas.readsSince(killed), COUNTS, Duration.ofNanos(failedOver - killed),
                    Duration.ofNanos(fresh - failedOver), replicas.source().calls() - listsBefore);
            assertThat(replicas.readsSince(killed)).anyMatch(read -> read.state() == FreshnessState.UNAVAILABLE);
            episode.assertPromisesKept();
            int retried = 0;
            for (String cluster : CLUSTERS) {
                retried += replicas.refreshOnceAcross(cluster, WAIT);
            }
            log.info("Refreshes after the failover that ended unavailable and were tried again: {}", retried);
            assertThat(replicas.leaseKeptAndReleased(CLUSTERS.get(0), lease, failedOver, WAIT))
                    .as("the watch lease taken by another replica after its release").isLessThan(WAIT);
        }
    }
}
