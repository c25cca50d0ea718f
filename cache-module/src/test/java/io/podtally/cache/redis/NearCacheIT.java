package io.podtally.cache.redis;

import static io.podtally.cache.redis.NearCacheReplicas.podsOn;
import static io.podtally.cache.redis.NearCacheReplicas.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.podtally.cache.PodCountEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("Near cache: warm reads from memory, kept exact by Redis tracking")
@Timeout(90)
class NearCacheIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final AtomicInteger CLUSTERS = new AtomicInteger();

    private final List<RedisBackend> backends = new ArrayList<>();
    private final List<MeterRegistry> meters = new ArrayList<>();
    private String cluster;

    @BeforeEach
    void setUp() {
        cluster = "near-" + CLUSTERS.incrementAndGet();
    }

    @AfterEach
    void tearDown() {
        backends.forEach(RedisBackend::close);
    }

    private RedisBackend replica() {
        return replica(RedisTestSupport.settings(REDIS.port()));
    }

    private RedisBackend replica(RedisConnectionSettings settings) {
        MeterRegistry registry = new SimpleMeterRegistry();
        RedisBackend backend = NearCacheReplicas.start(settings, registry, WAIT);
        backends.add(backend);
        meters.add(registry);
        return backend;
    }

    private double invalidations(int replica) {
        return meters.get(replica).counter("podtally.near_cache.invalidations", "scope", "cluster").count();
    }

    /** Waits until Redis's push for the write just made has reached the replica, so that it drops nothing later. */
    private void awaitPush(int replica) {
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5)).until(() -> invalidations(replica) >= 1);
    }

    private double hits(int replica) {
        return meters.get(replica).counter("podtally.near_cache.requests", "result", "hit").count();
    }

    /** Calls of the read script (and of any other script): a read of Redis runs one. */
    private static long readCommands(String info) {
        long calls = 0;
        for (String command : List.of("eval", "evalsha")) {
            Matcher matcher = Pattern.compile("cmdstat_" + command + ":calls=(\\d+)").matcher(info);
            if (matcher.find()) {
                calls += Long.parseLong(matcher.group(1));
            }
        }
        return calls;
    }

    @Test
    @DisplayName("1,000 warm reads make no Redis command; the hit counter counts them")
    void warmReadsMakeNoCommand() {
        RedisBackend writer = replica();
        RedisBackend reader = replica();
        writer.store().write(cluster, snapshot(3));
        awaitPush(1);
        assertThat(podsOn(reader, cluster)).contains(3);
        long before = readCommands(REDIS.server().cli("INFO", "commandstats"));

        for (int i = 0; i < 1000; i++) {
            assertThat(podsOn(reader, cluster)).contains(3);
        }

        assertThat(readCommands(REDIS.server().cli("INFO", "commandstats"))).isEqualTo(before);
        assertThat(hits(1)).isGreaterThanOrEqualTo(1000);
    }

    @Test
    @DisplayName("a write by replica A drops B's copy: B reads the new generation; A sees its own write at once")
    void writeByAnotherReplica() {
        RedisBackend a = replica();
        RedisBackend b = replica();
        a.store().write(cluster, snapshot(3));
        assertThat(podsOn(b, cluster)).contains(3);
        assertThat(podsOn(a, cluster)).contains(3);

        a.store().write(cluster, snapshot(4));

        assertThat(podsOn(a, cluster)).contains(4);
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5))
                .until(() -> podsOn(b, cluster).equals(Optional.of(4)));
    }

    @Test
    @DisplayName("an operator's DEL and HSET reach the copies: absent, then the hand-edited count")
    void externalDeleteAndEdit() {
        RedisBackend a = replica();
        RedisBackend b = replica();
        a.store().write(cluster, snapshot(3));
        assertThat(podsOn(b, cluster)).contains(3);

        REDIS.server().cli("DEL", RedisPodCountStore.key(cluster));
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5))
                .until(() -> b.store().read(cluster).isEmpty());

        a.store().write(cluster, snapshot(5));
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5))
                .until(() -> podsOn(b, cluster).equals(Optional.of(5)));
        REDIS.server().cli("HSET", RedisPodCountStore.key(cluster), "node-a", "9", "@generation", "99");
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5))
                .until(() -> podsOn(b, cluster).equals(Optional.of(9)));
    }

    @Test
    @DisplayName("an operator's DEL, which nobody publishes, reaches this replica's event listeners as a change")
    void externalDeleteHeardAsChange() {
        RedisBackend a = replica();
        List<PodCountEvent> heard = new CopyOnWriteArrayList<>();
        a.events().subscribe(heard::add);
        a.store().write(cluster, snapshot(3));
        assertThat(podsOn(a, cluster)).contains(3);
        heard.clear();

        REDIS.server().cli("DEL", RedisPodCountStore.key(cluster));

        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5))
                .until(() -> heard.contains(new PodCountEvent(cluster, 0, PodCountEvent.Reason.CHANGED)));
        assertThat(a.store().read(cluster)).isEmpty();
    }

    @Test
    @DisplayName("FLUSHALL drops every copy")
    void flushAll() {
        RedisBackend a = replica();
        String other = cluster + "-other";
        a.store().write(cluster, snapshot(3));
        a.store().write(other, snapshot(4));
        RedisBackend b = replica();
        assertThat(podsOn(b, cluster)).contains(3);
        assertThat(podsOn(b, other)).contains(4);

        REDIS.server().cli("FLUSHALL");

        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5))
                .until(() -> b.store().read(cluster).isEmpty() && b.store().read(other).isEmpty());
    }

    @Test
    @DisplayName("a killed tracking connection drops the copies, reads go through, tracking comes back")
    void killedTrackingConnection() {
        RedisBackend a = replica();
        a.store().write(cluster, snapshot(3));
        assertThat(podsOn(a, cluster)).contains(3);

        killTrackingConnections();
        REDIS.server().cli("HSET", RedisPodCountStore.key(cluster), "node-a", "7", "@generation", "77");

        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5))
                .until(() -> podsOn(a, cluster).equals(Optional.of(7)));
        await().atMost(WAIT).until(() -> "tracking".equals(a.nearCache()));
        assertThat(podsOn(a, cluster)).contains(7);
        double hitsBefore = hits(0);
        assertThat(podsOn(a, cluster)).contains(7);
        assertThat(hits(0)).isGreaterThan(hitsBefore);
        REDIS.server().cli("HSET", RedisPodCountStore.key(cluster), "node-a", "8", "@generation", "78");
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5))
                .until(() -> podsOn(a, cluster).equals(Optional.of(8)));
    }

    private static void killTrackingConnections() {
        String clients = REDIS.server().cli("CLIENT", "LIST");
        int killed = 0;
        for (String line : clients.lines().toList()) {
            Matcher flags = Pattern.compile(" flags=(\\S+) ").matcher(line);
            Matcher id = Pattern.compile("^id=(\\d+) ").matcher(line);
            if (flags.find() && flags.group(1).contains("t") && id.find()) {
                REDIS.server().cli("CLIENT", "KILL", "ID", id.group(1));
                killed++;
            }
        }
        assertThat(killed).as("tracking connections killed").isPositive();
    }

    @Test
    @DisplayName("a Redis restart: not tracking while it is down, tracking again after, no copy from before served")
    void redisRestart() {
        RedisBackend a = replica();
        a.store().write(cluster, snapshot(3));
        assertThat(podsOn(a, cluster)).contains(3);

        REDIS.server().restart();

        await().atMost(WAIT).until(() -> "tracking".equals(a.nearCache()));
        await().atMost(WAIT).ignoreExceptions().until(() -> a.store().read(cluster).isEmpty());
        a.store().write(cluster, snapshot(6));
        assertThat(podsOn(a, cluster)).contains(6);
    }

    @Test
    @DisplayName("50 concurrent reads of a dropped copy make one read of Redis")
    void singleFlight() throws Exception {
        RedisBackend a = replica();
        a.store().write(cluster, snapshot(3));
        awaitPush(0);
        a.store().read(cluster + "-loads-the-script");
        long before = readCommands(REDIS.server().cli("INFO", "commandstats"));
        ExecutorService readers = Executors.newFixedThreadPool(16);
        try {
            List<CompletableFuture<Optional<Integer>>> reads = IntStream.range(0, 50)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> podsOn(a, cluster), readers))
                    .toList();
            for (CompletableFuture<Optional<Integer>> read : reads) {
                assertThat(read.get()).contains(3);
            }
        } finally {
            readers.shutdownNow();
        }
        assertThat(readCommands(REDIS.server().cli("INFO", "commandstats")) - before).isEqualTo(1);
    }

    @Test
    @DisplayName("off: every read is a round trip, health says off")
    void off() {
        RedisBackend backend = RedisBackend.start(RedisTestSupport.settings(REDIS.port()), NearCacheReplicas.SETTINGS,
                NearCacheSettings.off(), Clock.systemUTC(), new SimpleMeterRegistry());
        backends.add(backend);
        backend.store().write(cluster, snapshot(3));
        backend.store().read(cluster + "-loads-the-script");
        long before = readCommands(REDIS.server().cli("INFO", "commandstats"));

        for (int i = 0; i < 10; i++) {
            assertThat(podsOn(backend, cluster)).contains(3);
        }

        assertThat(readCommands(REDIS.server().cli("INFO", "commandstats")) - before).isEqualTo(10);
        assertThat(backend.nearCache()).isEqualTo("off");
    }
}
