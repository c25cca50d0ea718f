package io.podtally.k8s.fabric8;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.podtally.k8s.PodCountResult;
import io.podtally.k8s.PodCounterSettings;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Fabric8PodCounter throttled by the API server")
class PodCounterThrottleIT {

    private static final int PAGE = 100;
    private static final String FIRST_PAGE = "/api/v1/pods?fieldSelector="
            + URLEncoder.encode(Fabric8PodCounter.ACTIVE_PODS, StandardCharsets.UTF_8) + "&limit=" + PAGE;

    private MockApiServer server;
    private KubernetesClient client;

    @BeforeEach
    void setUp() {
        server = MockApiServer.start();
        client = Fabric8Clients.create(server.config(), TestNodes.settings(Duration.ofSeconds(5)));
    }

    @AfterEach
    void tearDown() {
        client.close();
        server.close();
    }

    @ParameterizedTest(name = "Retry-After: {0}")
    @ValueSource(strings = {"0", "Mon, 01 Jan 2001 00:00:00 GMT"})
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    @DisplayName("Retry-After: 0 or a past date waits at least 1 s instead of a tight 429 loop")
    void retryAfterZeroOrPastDateWaitsAtLeastOneSecond(String retryAfter) {
        server.server().expect().get().withPath(FIRST_PAGE)
                .andReturn(429, new StatusBuilder().withCode(429).withReason("TooManyRequests").build())
                .withHeader("Retry-After", retryAfter)
                .times(2);
        server.server().expect().get().withPath(FIRST_PAGE)
                .andReturn(200, new PodListBuilder().withNewMetadata().endMetadata().build())
                .once();
        PodCounterSettings settings = new PodCounterSettings(PAGE, Duration.ofSeconds(5), 10, Duration.ofSeconds(20), 3,
                Duration.ofSeconds(30));

        PodCountResult result = new Fabric8PodCounter(client, settings, false).count();

        assertThat(result.complete()).isTrue();
        assertThat(result.elapsed()).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(server.server().getRequestCount()).isEqualTo(3);
    }
}
