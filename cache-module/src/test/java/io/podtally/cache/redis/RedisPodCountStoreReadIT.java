package io.podtally.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.podtally.cache.CountingSource;
import io.podtally.cache.PodCountSettings;
import io.podtally.cache.PodCountSnapshot;
import io.podtally.cache.SourceCounts;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

@DisplayName("RedisPodCountStore reads")
class RedisPodCountStoreReadIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final PodCountSettings SETTINGS = PodCountSettings.defaults();
    private static final Instant T0 = Instant.ofEpochMilli(1_700_000_000_000L);
    private static final AtomicInteger CLUSTERS = new AtomicInteger();

    private static LettuceConnectionFactory factory;
    private static StringRedisTemplate template;
    private RedisPodCountStore reader;
    private RedisPodCountStore writer;
    private String cluster;

    @BeforeAll
    static void connect() {
        factory = RedisTestSupport.lettuce(REDIS.port());
        template = new StringRedisTemplate(factory);
    }

    @AfterAll
    static void disconnect() {
        factory.destroy();
    }

    @BeforeEach
    void newCluster() {
        cluster = "r" + CLUSTERS.incrementAndGet();
        reader = new RedisPodCountStore(template, SETTINGS);
        writer = new RedisPodCountStore(template, SETTINGS);
    }

    @Test
    @DisplayName("an unchanged snapshot is read without its node fields and gives the same counts")
    void unchangedSnapshotReadsMetaOnly() {
        writer.write(cluster, complete(T0, nodes(5_000, 3)));
        PodCountSnapshot first = reader.read(cluster).orElseThrow();
        long wholeReads = reader.wholeHashReads();

        PodCountSnapshot second = reader.read(cluster).orElseThrow();
        PodCountSnapshot third = reader.read(cluster).orElseThrow();

        assertThat(reader.wholeHashReads()).isEqualTo(wholeReads).isEqualTo(1);
        assertThat(second).isEqualTo(first);
        assertThat(third).isEqualTo(first);
        assertThat(second.counts()).hasSize(5_000).containsEntry("node-4999", 3);
    }

    @Test
    @DisplayName("a write by another replica is read in full on the next read")
    void newWriteIsRead() {
        writer.write(cluster, complete(T0, nodes(100, 1)));
        assertThat(reader.read(cluster).orElseThrow().counts()).containsEntry("node-7", 1);

        writer.write(cluster, complete(T0.plusSeconds(60), nodes(120, 2)));

        PodCountSnapshot read = reader.read(cluster).orElseThrow();
        assertThat(read.counts()).hasSize(120).containsEntry("node-7", 2);
        assertThat(read.generation()).isEqualTo(2);
        assertThat(read.fetchedAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(reader.wholeHashReads()).isEqualTo(2);
    }

    @Test
    @DisplayName("an operator's DEL reads as absent on the very next read")
    void deletedKeyIsAbsent() {
        writer.write(cluster, complete(T0, nodes(10, 1)));
        assertThat(reader.read(cluster)).isPresent();

        REDIS.server().cli("DEL", RedisPodCountStore.key(cluster));

        assertThat(reader.read(cluster)).isEmpty();
        writer.write(cluster, complete(T0, nodes(4, 5)));
        assertThat(reader.read(cluster).orElseThrow().counts()).hasSize(4).containsEntry("node-0", 5);
    }

    @Test
    @DisplayName("the node uids are read with the whole hash only; reads of the unchanged snapshot keep them")
    void nodeUidsStayOutOfMetaReads() {
        Set<String> uids = Set.of("0b8e6a52-9b1e-4c3a-8f0e-2f6d1c9a7e41", "5f2c1e0a-7d43-4b8e-9a61-3c0f4e2d8b17");
        writer.write(cluster, PodCountSnapshot.of(
                new SourceCounts(nodes(2, 1), true, 1, 2, "paginated", null, uids), T0, T0, SETTINGS, null, 0));
        assertThat(REDIS.server().cli("HGET", RedisPodCountStore.key(cluster), "@node_uids"))
                .isEqualTo(String.join(",", new TreeSet<>(uids)));
        reader.read(cluster).orElseThrow();
        long wholeReads = reader.wholeHashReads();

        writer.setBackoff(cluster, T0.plusSeconds(90), 3);
        PodCountSnapshot read = reader.read(cluster).orElseThrow();

        assertThat(reader.wholeHashReads()).isEqualTo(wholeReads);
        assertThat(read.nodeUids()).isEqualTo(uids);
        assertThat(read.failures()).isEqualTo(3);
    }

    @Test
    @DisplayName("a backoff set by another replica is seen with the kept counts")
    void backoffIsSeen() {
        writer.write(cluster, complete(T0, nodes(50, 4)));
        reader.read(cluster).orElseThrow();
        long wholeReads = reader.wholeHashReads();

        writer.setBackoff(cluster, T0.plusSeconds(90), 3);

        PodCountSnapshot read = reader.read(cluster).orElseThrow();
        assertThat(read.nextAttempt()).isEqualTo(T0.plusSeconds(90));
        assertThat(read.failures()).isEqualTo(3);
        assertThat(read.counts()).hasSize(50).containsEntry("node-49", 4);
        assertThat(reader.wholeHashReads()).isEqualTo(wholeReads);
    }

    @Test
    @DisplayName("a meta field edited by hand into garbage reads as absent, and a rewrite is read again")
    void malformedMetaIsAbsent() {
        writer.write(cluster, complete(T0, nodes(10, 1)));
        reader.read(cluster).orElseThrow();

        REDIS.server().cli("HSET", RedisPodCountStore.key(cluster), "@pods", "many");

        assertThat(reader.read(cluster)).isEmpty();
        writer.write(cluster, complete(T0.plusSeconds(1), nodes(10, 6)));
        assertThat(reader.read(cluster).orElseThrow().counts()).containsEntry("node-3", 6);
    }

    @Test
    @DisplayName("a backoff without counts is read in full every time and never kept")
    void backoffOnlyIsNotKept() {
        writer.setBackoff(cluster, T0, 1);

        assertThat(reader.read(cluster).orElseThrow().hasCounts()).isFalse();
        assertThat(reader.read(cluster).orElseThrow().failures()).isEqualTo(1);
        assertThat(reader.wholeHashReads()).isEqualTo(2);
    }

    private static Map<String, Integer> nodes(int count, int pods) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < count; i++) {
            counts.put("node-" + i, pods);
        }
        return counts;
    }

    private static PodCountSnapshot complete(Instant fetchedAt, Map<String, Integer> counts) {
        return PodCountSnapshot.of(CountingSource.complete(counts), fetchedAt, fetchedAt, SETTINGS, null, 0);
    }
}
