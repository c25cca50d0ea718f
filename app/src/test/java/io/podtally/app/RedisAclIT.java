package io.podtally.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podtally.cache.redis.RedisTestSupport;
import io.podtally.k8s.sim.SimulatedCluster;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

@DisplayName("A replica on Redis as the ACL user of docs/operations.md without write permission")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisAclIT {

    private static final String NODES = "/api/v1/nodes?cluster_name=acl";
    private static final String REFRESH = "/api/v1/admin/clusters/acl/pod-counts/refresh";
    private static final String STORE = "/components/clusters/details/store";
    private static final String ADMIN_TOKEN = "acl-admin";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final PodtallyDeployment deployment = PodtallyDeployment.onRedis()
            .cluster("acl", SimulatedCluster.builder().nodes(3).activePods(30).seed(16))
            .property("podtally.admin.token", ADMIN_TOKEN);

    @Test
    @DisplayName("serves the counts a replica that may write wrote, its own refresh is refused, health says NOPERM, "
            + "and every request answers 200")
    void readsServedWritesRefused() {
        ApiClient writer = deployment.api();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> "fresh".equals(writer.json(NODES).at("/pod_counts/state").asString()));
        assertThat(deployment.redis().cli(RedisTestSupport.aclSetUser("podtally-reader", "reader-secret", "-@write")))
                .isEqualTo("OK");
        Map<String, String> properties = new LinkedHashMap<>(deployment.replicaProperties());
        properties.put("spring.data.redis.username", "podtally-reader");
        properties.put("spring.data.redis.password", "reader-secret");

        try (Replica reader = Replica.start(properties)) {
            ApiClient api = reader.api();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                JsonNode body = api.json(NODES);
                assertThat(body.at("/pod_counts/state").asString()).isEqualTo("fresh");
                body.get("data").forEach(node -> assertThat(node.get("pod_count").asInt()).isEqualTo(
                        deployment.cluster().activePodsByNode().getOrDefault(node.get("name").asString(), 0)));
            });

            assertThat(api.post(REFRESH, "Authorization", "Bearer " + ADMIN_TOKEN).statusCode()).isEqualTo(202);

            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                JsonNode store = api.health(ADMIN_TOKEN).at(STORE);
                assertThat(store.get("status").asString()).isEqualTo("down");
                assertThat(store.get("error").asString()).startsWith("NOPERM").contains("writes refused");
            });
            assertThat(api.get(NODES).statusCode()).isEqualTo(200);
            assertThat(writer.health(ADMIN_TOKEN).at(STORE).get("status").asString()).isEqualTo("up");
        }
    }
}
