package io.podtally.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.podtally.cache.redis.RedisClusterNodes;
import io.podtally.cache.redis.RedisNode;
import io.podtally.cache.redis.RedisPodCountStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("Running replicas on a Redis Cluster of three masters with one replica each")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterFailoverHttpIT extends RedisFailoverHttpContract {

    private static final String KEY = RedisPodCountStore.key(CLUSTER);

    // closed after the deployment's replicas
    @AutoClose
    static final RedisClusterNodes REDIS = RedisClusterNodes.start();

    @RegisterExtension
    static final PodtallyDeployment DEPLOYMENT = deployment(Map.of(
            "spring.data.redis.cluster.nodes", String.join(",", REDIS.seeds()),
            "spring.data.redis.lettuce.cluster.refresh.period", "2s",
            "spring.data.redis.lettuce.cluster.refresh.adaptive", "true"));

    @Override
    PodtallyDeployment deployment() {
        return DEPLOYMENT;
    }

    @Override
    String name() {
        return "Cluster, master of the cluster's slot SIGKILLed";
    }

    @Override
    void awaitReplicated() {
        assertThat(REDIS.masterOf(KEY).cli("WAIT", "1", "5000")).as("the master's replica has every write")
                .isEqualTo("1");
    }

    @Override
    RedisNode killMaster() {
        RedisNode master = REDIS.masterOf(KEY);
        master.kill();
        return master;
    }

    @Override
    void awaitFailover(RedisNode killed, Duration atMost) {
        REDIS.awaitFailover(killed, KEY, atMost);
    }
}
