package io.podtally.app;

import io.podtally.cache.redis.RedisNode;
import io.podtally.cache.redis.RedisSentinels;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("Running replicas on Redis Sentinel with passwords on the data nodes and the Sentinels")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SentinelFailoverHttpIT extends RedisFailoverHttpContract {

    // closed after the deployment's replicas
    @AutoClose
    static final RedisSentinels REDIS = RedisSentinels.start();

    @RegisterExtension
    static final PodtallyDeployment DEPLOYMENT = deployment(Map.of(
            "spring.data.redis.sentinel.master", RedisSentinels.MASTER,
            "spring.data.redis.sentinel.nodes", String.join(",", REDIS.sentinelNodes()),
            "spring.data.redis.sentinel.password", RedisSentinels.SENTINEL_PASSWORD,
            "spring.data.redis.password", RedisSentinels.PASSWORD));

    @Override
    PodtallyDeployment deployment() {
        return DEPLOYMENT;
    }

    @Override
    String name() {
        return "Sentinel, master SIGKILLed";
    }

    @Override
    void awaitReplicated() {
        REDIS.awaitReplicated();
    }

    @Override
    RedisNode killMaster() {
        return REDIS.killMaster();
    }

    @Override
    void awaitFailover(RedisNode killed, Duration atMost) {
        REDIS.awaitFailover(atMost);
    }
}
