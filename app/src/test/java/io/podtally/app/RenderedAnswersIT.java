package io.podtally.app;

import static io.podtally.cache.Futures.done;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.podtally.cache.PodCountCache;
import io.podtally.k8s.sim.SimulatedCluster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("Rendered node-list answers, cached by ETag")
class RenderedAnswersIT {

    private static final String NODES = "/api/v1/nodes?cluster_name=sim";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final PodtallyDeployment deployment = PodtallyDeployment.inMemory()
            .cluster("sim", SimulatedCluster.builder().nodes(30).activePods(300).seed(11));

    MeterRegistry meters;
    PodCountCache podCounts;
    ApiClient api;

    @BeforeEach
    void countsFresh() {
        api = deployment.api();
        meters = deployment.replica().bean(MeterRegistry.class);
        podCounts = deployment.replica().bean(PodCountCache.class);
        await().atMost(WAIT).until(() -> api.get(NODES).statusCode() == 200
                && "fresh".equals(api.json(NODES).get("pod_counts").get("state").asString()));
    }

    @Test
    @DisplayName("two identical requests get the same bytes, the second from the cache")
    void identicalRequestsShareBytes() {
        await().atMost(WAIT).untilAsserted(() -> {
            HttpResponse<byte[]> first = api.getBytes(NODES + "&sort_by=pod_count");
            double hits = hits();
            HttpResponse<byte[]> second = api.getBytes(NODES + "&sort_by=pod_count");

            assertThat(second.headers().firstValue("ETag")).isEqualTo(first.headers().firstValue("ETag"));
            assertThat(second.body()).isEqualTo(first.body());
            assertThat(hits()).isGreaterThan(hits);
        });
    }

    @Test
    @DisplayName("a gzip answer is sent compressed once and decodes to the same JSON")
    void gzipDecodesToSameJson() {
        await().atMost(WAIT).untilAsserted(() -> {
            HttpResponse<byte[]> plain = api.getBytes(NODES + "&page=2&page_size=7");
            HttpResponse<byte[]> gzip = api.getBytes(NODES + "&page=2&page_size=7", "Accept-Encoding", "gzip");
            double hits = hits();
            HttpResponse<byte[]> gzipAgain = api.getBytes(NODES + "&page=2&page_size=7", "Accept-Encoding", "gzip");

            assertThat(gzip.headers().firstValue("ETag")).isEqualTo(plain.headers().firstValue("ETag"));
            assertThat(gzip.headers().firstValue("Content-Encoding")).hasValue("gzip");
            assertThat(gzip.headers().allValues("Vary")).anyMatch(v -> v.toLowerCase().contains("accept-encoding"));
            assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(gunzip(gzip.body())).isEqualTo(plain.body());
            assertThat(gzipAgain.body()).isEqualTo(gzip.body());
            assertThat(hits()).isGreaterThan(hits);
        });
    }

    @Test
    @DisplayName("an answer built again in the background as its ages move on carries the counts' age at that build")
    void rebuiltAnswerAgesOn() {
        String path = NODES + "&sort_by=cpu&order=desc";
        HttpResponse<String> first = api.get(path, "Accept-Encoding", "identity");
        String etag = first.headers().firstValue("ETag").orElseThrow();
        long age = ApiClient.parse(first.body()).get("pod_counts").get("age_seconds").asLong();

        // asked again after the refresh time, the answer is built anew in the background under the same tag
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            HttpResponse<String> later = api.get(path, "Accept-Encoding", "identity");
            assertThat(later.headers().firstValue("ETag")).hasValue(etag);
            assertThat(ApiClient.parse(later.body()).get("pod_counts").get("age_seconds").asLong())
                    .isGreaterThanOrEqualTo(age + 5);
        });
    }

    @Test
    @DisplayName("a new pod-count generation, a node change or another query give a new answer")
    void changedInputsGiveNewAnswers() {
        HttpResponse<byte[]> before = api.getBytes(NODES);
        String etag = before.headers().firstValue("ETag").orElseThrow();

        assertThat(api.getBytes(NODES + "&role=worker").headers().firstValue("ETag")).isPresent().get()
                .isNotEqualTo(etag);

        long generation = api.json(NODES).get("pod_counts").get("generation").asLong();
        done(podCounts.refresh("sim"));
        await().atMost(WAIT).until(() -> api.json(NODES).get("pod_counts").get("generation").asLong() > generation);
        HttpResponse<byte[]> recounted = api.getBytes(NODES);
        assertThat(recounted.headers().firstValue("ETag")).isPresent().get().isNotEqualTo(etag);
        assertThat(recounted.body()).isNotEqualTo(before.body());

        String added = deployment.cluster().addNode();
        await().atMost(WAIT).untilAsserted(() -> assertThat(new String(api.getBytes(NODES).body())).contains(added));
    }

    @Test
    @DisplayName("new counts in the same state: the next answers are the new one, or the previous one flagged as standing in")
    void newCountsAnsweredOrFlagged() {
        String query = NODES + "&sort_by=name";
        HttpResponse<byte[]> before = api.getBytes(query);
        String etag = before.headers().firstValue("ETag").orElseThrow();
        assertThat(before.headers().firstValue("X-Podtally-Stand-In")).isEmpty();
        long generation = api.json(NODES).get("pod_counts").get("generation").asLong();

        done(podCounts.refresh("sim"));
        await().atMost(WAIT).until(() -> podCounts.read("sim").generation() > generation);

        // a 30-node answer builds in well under the stand-in threshold, so this is the new one at once; on a machine
        // slow enough to stand in, the previous answer must say so, and the new one follows within the lag
        List<String> unflagged = new CopyOnWriteArrayList<>();
        await().atMost(WAIT).until(() -> {
            HttpResponse<byte[]> after = api.getBytes(query, "If-None-Match", etag);
            boolean flagged = after.headers().firstValue("X-Podtally-Stand-In").isPresent();
            if (after.statusCode() == 304) {
                if (!flagged) {
                    unflagged.add("304 under the old tag without the stand-in header");
                }
                return false;
            }
            return after.statusCode() == 200 && !flagged
                    && !after.headers().firstValue("ETag").orElseThrow().equals(etag);
        });
        assertThat(unflagged).isEmpty();
    }

    @Test
    @DisplayName("If-None-Match with the ETag of a cached answer still answers 304")
    void notModified() {
        await().atMost(WAIT).untilAsserted(() -> {
            HttpResponse<byte[]> first = api.getBytes(NODES, "Accept-Encoding", "gzip");
            String etag = first.headers().firstValue("ETag").orElseThrow();

            HttpResponse<byte[]> again = api.getBytes(NODES, "Accept-Encoding", "gzip", "If-None-Match", etag);

            assertThat(again.statusCode()).isEqualTo(304);
            assertThat(again.body()).isEmpty();
        });
    }

    private double hits() {
        return meters.get("podtally.api.rendered").tag("result", "hit").counter().count();
    }

    private static byte[] gunzip(byte[] bytes) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
