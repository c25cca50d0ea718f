package io.podtally.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podtally.k8s.sim.SimulatedCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("event stream slots on a replica holding at most 2 streams, heartbeats a minute apart")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EventStreamSlotsIT {

    private static final String CLUSTER = "slots";

    @RegisterExtension
    static final PodtallyDeployment deployment = PodtallyDeployment.onRedis()
            .cluster(CLUSTER, SimulatedCluster.builder().nodes(4).activePods(20).seed(9))
            .property("podtally.podcounts.warm-up", "false")
            .property("podtally.api.max-event-streams", "2")
            .property("podtally.api.event-heartbeat", "60s");

    private final List<SseClient> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(SseClient::close);
    }

    @Test
    @DisplayName("a client that closes its stream frees its slot: a new stream is accepted within seconds, "
            + "long before the next heartbeat")
    void closedClientFreesItsSlot() {
        SseClient leaving = open();
        SseClient staying = open();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> leaving.events().size() == 1 && staying.events().size() == 1);
        SseClient refused = open();
        assertThat(refused.status()).isEqualTo(503);

        leaving.close();

        AtomicReference<SseClient> accepted = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(250)).until(() -> {
            SseClient next = open();
            accepted.set(next);
            return next.status() == 200;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> accepted.get().events().size() == 1);
        assertThat(accepted.get().events("state")).hasSize(1);
        assertThat(staying.ended()).isFalse();
        assertThat(open().status()).as("the replica is full again").isEqualTo(503);
    }

    private SseClient open() {
        SseClient client = SseClient.open(deployment.replica(), CLUSTER, null);
        clients.add(client);
        return client;
    }
}
