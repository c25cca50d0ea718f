package io.podtally.app.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

@DisplayName("Node-list bytes put together from runs of nodes kept across answers")
@Timeout(60)
class NodeListWriterTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final NodeListWriter writer = new NodeListWriter(JSON, meters);

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {0, 1, NodeListWriter.RUN_NODES - 1, NodeListWriter.RUN_NODES, NodeListWriter.RUN_NODES + 1, 500})
    @DisplayName("the plain bytes are those Jackson writes for the whole answer, and the gzip form decodes to them")
    void sameBytesAsJackson(int size) {
        Responses.NodeList list = list(nodes(size, 0), 7);

        byte[] plain = writer.plain(list);

        assertThat(plain).isEqualTo(JSON.writeValueAsBytes(list));
        assertThat(gunzip(writer.gzip(list))).isEqualTo(plain);
    }

    @Test
    @DisplayName("a page's fields and a failure in the envelope come out as Jackson writes them")
    void pagedEnvelope() {
        Responses.NodeList all = list(nodes(40, 0), 3);
        Responses.NodeList page = new Responses.NodeList(200, Responses.SUCCESS, all.data().subList(0, 20),
                new PodCountsInfo("stale", "2026-12-01T10:00:00Z", 400L, false, "informer", 9, 2,
                        new PodCountsInfo.Failure("timeout", "2026-12-01T10:05:00Z")),
                all.informer(), all.metrics(), 40, 1, 20, 2);

        assertThat(writer.plain(page)).isEqualTo(JSON.writeValueAsBytes(page));
        assertThat(gunzip(writer.gzip(page))).isEqualTo(JSON.writeValueAsBytes(page));
    }

    @Test
    @DisplayName("runs that open a page and sit inside the whole list are told apart: every answer decodes to its own JSON")
    void pagesAndWholeListShareNoWrongRun() {
        List<NodeInfo> nodes = nodes(300, 0);
        int run = NodeListWriter.RUN_NODES;
        Responses.NodeList whole = list(nodes, 1);
        // the page's first two runs are the whole list's third and fourth, once with a comma before them and once not
        Responses.NodeList page = list(nodes.subList(2 * run, 6 * run), 1);

        for (Responses.NodeList answer : List.of(whole, page, whole, page)) {
            assertThat(gunzip(writer.gzip(answer))).isEqualTo(JSON.writeValueAsBytes(answer));
            assertThat(writer.plain(answer)).isEqualTo(JSON.writeValueAsBytes(answer));
        }
    }

    @Test
    @DisplayName("the same nodes under a new envelope reuse every run: only the envelope is written again")
    void newEnvelopeReusesRuns() {
        List<NodeInfo> nodes = nodes(1000, 0);
        writer.gzip(list(nodes, 5));
        double built = runs("built");

        Responses.NodeList later = list(nodes, 12);
        byte[] gzip = writer.gzip(later);

        assertThat(runs("built")).isEqualTo(built);
        assertThat(runs("reused")).isEqualTo(Math.ceil(1000.0 / NodeListWriter.RUN_NODES));
        assertThat(gunzip(gzip)).isEqualTo(JSON.writeValueAsBytes(later));
    }

    @Test
    @DisplayName("one node's new pod count builds its run and the one after it (whose dictionary it is), no other")
    void oneChangedNodeBuildsTwoRuns() {
        List<NodeInfo> nodes = nodes(1000, 0);
        writer.gzip(list(nodes, 5));
        double built = runs("built");

        List<NodeInfo> changed = new ArrayList<>(nodes);
        changed.set(100, withPodCount(nodes.get(100), 99));
        Responses.NodeList later = list(changed, 5);
        byte[] gzip = writer.gzip(later);

        assertThat(runs("built") - built).isEqualTo(2);
        assertThat(gunzip(gzip)).isEqualTo(JSON.writeValueAsBytes(later));
        assertThat(writer.plain(later)).isEqualTo(JSON.writeValueAsBytes(later));
    }

    @Test
    @DisplayName("compressing run by run, each with the run before as dictionary, costs at most 10% against the whole at once")
    void compressesAboutAsWellAsTheWhole() {
        Responses.NodeList list = list(nodes(2000, 0), 1);

        byte[] runByRun = writer.gzip(list);

        assertThat((double) runByRun.length).isLessThanOrEqualTo(1.10 * gzip(JSON.writeValueAsBytes(list)).length);
    }

    private double runs(String result) {
        return meters.get("podtally.api.rendered.runs").tag("result", result).counter().count();
    }

    private static Responses.NodeList list(List<NodeInfo> nodes, long ageSeconds) {
        return new Responses.NodeList(200, Responses.SUCCESS, nodes,
                new PodCountsInfo("fresh", "2026-12-01T10:00:00Z", ageSeconds, true, "paginated", 4, null, null),
                new Responses.Informer("synced", nodes.size(), null), new Responses.NodeMetrics("available"),
                null, null, null, null);
    }

    private static List<NodeInfo> nodes(int count, int podCountOffset) {
        return IntStream.range(0, count).mapToObj(i -> node(i, i % 40 + podCountOffset)).toList();
    }

    private static NodeInfo node(int i, int podCount) {
        String name = String.format("worker-%05d", i);
        return new NodeInfo(name, i % 17 == 0 ? "NotReady" : "Ready", i % 23 != 0, List.of("worker"), "358d",
                "v1.31.4", "10.0." + i / 250 + "." + i % 250, null, "Debian GNU/Linux 12 (bookworm)",
                "6.1.0-28-cloud-amd64", "containerd://1.7.24",
                new NodeInfo.Resources("4", "16597216Ki", "110"), new NodeInfo.Resources("3890m", "15214115Ki", "110"),
                new NodeInfo.Usage((i * 7919 % 4000) + "m", (i * 104729 % 16000000) + "Ki"), podCount,
                Map.of("kubernetes.io/hostname", name, "topology.kubernetes.io/zone", "zone-" + i % 3,
                        "node.kubernetes.io/instance-type", "m5.xlarge", "kubernetes.io/os", "linux"),
                List.of(), List.of(new NodeInfo.ConditionInfo("Ready", "True", "KubeletReady",
                        "kubelet is posting ready status", "2026-11-01T10:00:00Z")),
                "2025-12-08T10:00:00Z");
    }

    private static NodeInfo withPodCount(NodeInfo n, int podCount) {
        return new NodeInfo(n.name(), n.status(), n.schedulable(), n.roles(), n.age(), n.version(), n.internalIp(),
                n.externalIp(), n.osImage(), n.kernelVersion(), n.containerRuntime(), n.capacity(), n.allocatable(),
                n.usage(), podCount, n.labels(), n.taints(), n.conditions(), n.createdAt());
    }

    private static byte[] gunzip(byte[] gzip) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
