package io.podtally.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.podtally.cache.FreshnessState;
import io.podtally.cache.WatchLease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@DisplayName("Redis Cluster of three masters with one replica each")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterFailoverIT {

    private static final Logger log = LoggerFactory.getLogger(ClusterFailoverIT.class);
    private static final Map<String, Integer> COUNTS = Map.of("node-a", 3, "node-b", 7, "node-c", 11);
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration REFRESH = Duration.ofSeconds(2);

    private static RedisClusterNodes redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisClusterNodes.start();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    /** One cluster name per master: their keys land on different masters. */
    private static List<String> clustersOnEveryMaster() {
        List<String> clusters = new ArrayList<>();
        List<Integer> masters = new ArrayList<>();
        IntStream.rangeClosed(1, 50).mapToObj(i -> "cluster-" + i).forEach(cluster -> {
            int master = redis.masterOf(RedisPodCountStore.key(cluster)).port();
            if (!masters.contains(master)) {
                masters.add(master);
                clusters.add(cluster);
            }
        });
        assertThat(clusters).hasSize(3);
        return clusters;
    }

    @Test
    @DisplayName("three replicas under load through a SIGKILL of one master: no failed read, no 0, fresh again, "
            + "one refresh, exact counts, events after the new topology, the watch lease held through it kept, "
            + "then free")
    void masterKilledUnderLoad() {
        List<String> clusters = clustersOnEveryMaster();
        String victim = clusters.get(0);
        try (FailoverReplicas replicas = new FailoverReplicas(redis.settings(REFRESH), COUNTS)) {
            replicas.awaitConnected(WAIT);
            replicas.warm(clusters, WAIT);
            WatchLease.Held lease = replicas.holdLease(victim);
            RedisNode master = redis.masterOf(RedisPodCountStore.key(victim));
            assertThat(master.cli("WAIT", "1", "5000")).isEqualTo("1");
            replicas.startLoad(clusters);
            int listsBefore = replicas.source().calls();

            long killed = System.nanoTime();
            master.kill();
            RedisNode promoted = redis.awaitFailover(master, RedisPodCountStore.key(victim), WAIT);
            long failedOver = System.nanoTime();
            replicas.awaitFresh(clusters, WAIT);
            long fresh = System.nanoTime();
            replicas.stopLoad();

            FailoverEpisode episode = FailoverEpisode.of("Cluster, master of one slot range SIGKILLed",
                    replicas.readsSince(killed), COUNTS, Duration.ofNanos(failedOver - killed),
                    Duration.ofNanos(fresh - failedOver), replicas.source().calls() - listsBefore);
            assertThat(replicas.readsSince(killed)).filteredOn(read -> !read.cluster().equals(victim))
                    .as("clusters on the other masters").isNotEmpty();
            assertThat(promoted).isNotSameAs(master);
            episode.assertPromisesKept();
            int retried = 0;
            for (String cluster : clusters) {
                retried += replicas.refreshOnceAcross(cluster, WAIT);
            }
            log.info("Refreshes after the failover that ended unavailable and were tried again: {}", retried);
            assertThat(replicas.replicas()).allSatisfy(replica -> assertThat(
                    replica.cache().read(victim).state()).isEqualTo(FreshnessState.FRESH));
            assertThat(replicas.leaseKeptAndReleased(victim, lease, failedOver, WAIT))
                    .as("the watch lease taken by another replica after its release").isLessThan(WAIT);
        }
    }
}
