package io.podtally.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podtally.cache.redis.RedisTlsServer;
import io.podtally.k8s.sim.SimulatedCluster;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

@DisplayName("Redis over TLS with a Spring SSL bundle")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisTlsIT {

    private static final String NODES = "/api/v1/nodes?cluster_name=tls";
    private static final String ADMIN_TOKEN = "tls-admin";

    static final RedisTlsServer TLS = RedisTlsServer.start();

    @RegisterExtension
    static final PodtallyDeployment deployment = PodtallyDeployment.inMemory()
            .cluster("tls", SimulatedCluster.builder().nodes(4).activePods(40).seed(14))
            .property("podtally.store", "redis")
            .property("spring.data.redis.host", "127.0.0.1")
            .property("spring.data.redis.port", Integer.toString(TLS.port()))
            .property("spring.data.redis.ssl.bundle", "redis")
            .property("spring.ssl.bundle.pem.redis.truststore.certificate", "file:" + TLS.ca())
            .property("podtally.admin.token", ADMIN_TOKEN);

    @RegisterExtension
    static final PodtallyDeployment otherCa = PodtallyDeployment.inMemory()
            .cluster("tls", SimulatedCluster.builder().nodes(2).activePods(10).seed(15))
            .property("podtally.store", "redis")
            .property("spring.data.redis.host", "127.0.0.1")
            .property("spring.data.redis.port", Integer.toString(TLS.port()))
            .property("spring.data.redis.timeout", "1s")
            .property("spring.data.redis.ssl.bundle", "redis")
            .property("spring.ssl.bundle.pem.redis.truststore.certificate", "file:" + TLS.otherCa())
            .property("podtally.admin.token", ADMIN_TOKEN);

    @AfterAll
    static void stopRedis() {
        TLS.close();
    }

    @Test
    @DisplayName("the bundle's CA is trusted by Lettuce (store, events) and Redisson (the lock): counts turn fresh")
    void bundleHonoured() {
        ApiClient api = deployment.api();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> "fresh".equals(api.json(NODES).at("/pod_counts/state").asString()));
        JsonNode body = api.json(NODES);
        body.get("data").forEach(node -> assertThat(node.get("pod_count").asInt()).isEqualTo(
                deployment.cluster().activePodsByNode().getOrDefault(node.get("name").asString(), 0)));
        JsonNode store = api.health(ADMIN_TOKEN).at("/components/clusters/details/store");
        assertThat(store.get("status").asString()).isEqualTo("up");
        assertThat(store.get("events").asString()).isEqualTo("subscribed");
        assertThat(TLS.cli("EXISTS", "podtally:{tls}:podcounts")).isEqualTo("1");
    }

    @Test
    @DisplayName("a bundle of another CA: health names the failed TLS handshake at once, and requests are answered")
    void otherCaNamedInHealth() {
        ApiClient api = otherCa.api();
        long asked = System.nanoTime();
        JsonNode store = api.health(ADMIN_TOKEN).at("/components/clusters/details/store");
        Duration took = Duration.ofNanos(System.nanoTime() - asked);
        assertThat(store.get("status").asString()).isEqualTo("down");
        assertThat(store.get("error").asString()).startsWith("TLS handshake with Redis failed")
                .contains("certification path");
        assertThat(took).isLessThan(Duration.ofSeconds(3));
        assertThat(api.json(NODES).at("/pod_counts/state").asString()).isEqualTo("unavailable");
    }
}
