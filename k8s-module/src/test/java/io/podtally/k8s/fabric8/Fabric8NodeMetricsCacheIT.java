package io.podtally.k8s.fabric8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.NodeMetricsBuilder;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.NodeMetricsList;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.NodeMetricsListBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.podtally.k8s.Fingerprints;
import io.podtally.k8s.NodeMetricsCache;
import io.podtally.k8s.NodeMetricsCache.MetricsState;
import io.podtally.k8s.NodeMetricsCache.NodeUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Node metrics cache")
class Fabric8NodeMetricsCacheIT {

    private static final String PATH = "/apis/metrics.k8s.io/v1beta1/nodes";

    private final MutableClock clock = new MutableClock();
    private ScheduledExecutorService scheduler;
    private MockApiServer server;
    private KubernetesClient client;
    private Fabric8NodeMetricsCache cache;

    @BeforeEach
    void setUp() {
        scheduler = Executors.newSingleThreadScheduledExecutor();
        server = MockApiServer.start();
        client = Fabric8Clients.create(server.config(), TestNodes.settings(Duration.ofSeconds(5)));
        cache = new Fabric8NodeMetricsCache("test", client, Duration.ofMillis(100), scheduler, clock);
    }

    @AfterEach
    void tearDown() {
        cache.close();
        scheduler.shutdownNow();
        client.close();
        server.close();
    }

    @Test
    @DisplayName("serves the usage of each node from metrics.k8s.io")
    void servesUsage() {
        server.server().expect().get().withPath(PATH).andReturn(200, metrics()).always();
        assertThat(cache.state()).isEqualTo(MetricsState.UNKNOWN);

        await().atMost(Duration.ofSeconds(10)).until(() -> cache.state() == MetricsState.AVAILABLE);

        assertThat(cache.usage("node-a")).contains(
                new NodeUsage("250m", "1024Ki", Instant.parse("2026-01-01T00:00:00Z")));
        assertThat(cache.usage("node-b")).hasValueSatisfying(u -> assertThat(u.cpu()).isEqualTo("1500m"));
        assertThat(cache.usage("node-x")).isEmpty();
        assertThat(cache.fetchedAt()).isEqualTo(clock.instant());
    }

    @Test
    @DisplayName("the fingerprint is that of the samples held, not of when they were fetched: another cache polling "
            + "the same samples later holds the same value")
    void fingerprintOfSamples() {
        server.server().expect().get().withPath(PATH).andReturn(200, metrics()).always();
        await().atMost(Duration.ofSeconds(10)).until(() -> cache.state() == MetricsState.AVAILABLE);
        long first = cache.fingerprint();
        Instant firstFetchedAt = cache.fetchedAt();

        clock.advance(Duration.ofSeconds(7));
        Fabric8NodeMetricsCache later = new Fabric8NodeMetricsCache("test", client, Duration.ofMillis(100), scheduler,
                clock);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> later.state() == MetricsState.AVAILABLE);
            NodeMetricsCache.Snapshot held = later.snapshot();

            assertThat(held.fetchedAt()).isNotEqualTo(firstFetchedAt);
            assertThat(held.fingerprint()).isEqualTo(first).isEqualTo(later.fingerprint())
                    .isEqualTo(Fingerprints.usages(usages("2026-01-01T00:00:00Z")));
            assertThat(held.usageByNode()).isEqualTo(usages("2026-01-01T00:00:00Z"));
        } finally {
            later.close();
        }
    }

    @Test
    @DisplayName("a poll that brings new samples changes the fingerprint")
    void newSamplesChangeFingerprint() {
        server.server().expect().get().withPath(PATH).andReturn(200, metrics()).once();
        server.server().expect().get().withPath(PATH).andReturn(200, metrics("2026-01-01T00:00:15Z")).always();
        long newer = Fingerprints.usages(usages("2026-01-01T00:00:15Z"));

        await().atMost(Duration.ofSeconds(10)).until(() -> cache.state() == MetricsState.AVAILABLE
                && cache.fingerprint() == newer);

        assertThat(newer).isNotEqualTo(Fingerprints.usages(usages("2026-01-01T00:00:00Z")));
    }

    private static Map<String, NodeUsage> usages(String timestamp) {
        return Map.of("node-a", new NodeUsage("250m", "1024Ki", Instant.parse(timestamp)),
                "node-b", new NodeUsage("1500m", "8Gi", Instant.parse(timestamp)));
    }

    @Test
    @DisplayName("a cluster without metrics-server (404) has no usage and is UNAVAILABLE, without an exception")
    void noMetricsServer() {
        server.server().expect().get().withPath(PATH)
                .andReturn(404, new StatusBuilder().withCode(404).withReason("NotFound").withMessage("the server could not find the requested resource").build())
                .always();

        await().atMost(Duration.ofSeconds(10)).until(() -> cache.state() == MetricsState.UNAVAILABLE);

        assertThat(cache.usage("node-a")).isEmpty();
        assertThat(cache.fetchedAt()).isNull();
    }

    @Test
    @DisplayName("keeps the last metrics for a while when a poll fails, then drops them")
    void keepsLastMetricsOnFailure() {
        server.server().expect().get().withPath(PATH).andReturn(200, metrics()).once();
        server.server().expect().get().withPath(PATH).andReturn(500, "boom").always();
        await().atMost(Duration.ofSeconds(10)).until(() -> cache.state() == MetricsState.AVAILABLE);
        int requests = server.server().getRequestCount();

        await().atMost(Duration.ofSeconds(10)).until(() -> server.server().getRequestCount() >= requests + 3);
        assertThat(cache.state()).isEqualTo(MetricsState.AVAILABLE);
        assertThat(cache.usage("node-a")).isPresent();

        clock.advance(Duration.ofSeconds(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> cache.state() == MetricsState.UNAVAILABLE);
        assertThat(cache.usage("node-a")).isEmpty();
    }

    @Test
    @DisplayName("polls only while asked for: stops after the idle time and resumes on the next question")
    void pollsOnlyWhileAsked() {
        server.server().expect().get().withPath(PATH).andReturn(200, metrics()).always();
        await().atMost(Duration.ofSeconds(10)).until(() -> cache.state() == MetricsState.AVAILABLE);

        clock.advance(Fabric8NodeMetricsCache.IDLE_AFTER.plusSeconds(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> !cache.polling());
        int requests = server.server().getRequestCount();
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> server.server().getRequestCount() == requests);

        cache.usage("node-a");
        await().atMost(Duration.ofSeconds(10)).until(() -> server.server().getRequestCount() > requests);
    }

    private static NodeMetricsList metrics() {
        return metrics("2026-01-01T00:00:00Z");
    }

    private static NodeMetricsList metrics(String timestamp) {
        return new NodeMetricsListBuilder()
                .addToItems(new NodeMetricsBuilder().withNewMetadata().withName("node-a").endMetadata()
                        .withTimestamp(timestamp)
                        .withUsage(Map.of("cpu", new Quantity("250m"), "memory", new Quantity("1024Ki"))).build())
                .addToItems(new NodeMetricsBuilder().withNewMetadata().withName("node-b").endMetadata()
                        .withTimestamp(timestamp)
                        .withUsage(Map.of("cpu", new Quantity("1500m"), "memory", new Quantity("8Gi"))).build())
                .build();
    }
}
