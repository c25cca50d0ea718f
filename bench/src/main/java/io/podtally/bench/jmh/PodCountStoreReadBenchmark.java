package io.podtally.bench.jmh;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import io.podtally.cache.PodCountSettings;
import io.podtally.cache.PodCountSnapshot;
import io.podtally.cache.PodCountStore;
import io.podtally.cache.memory.InMemoryPodCountStore;
import io.podtally.cache.memory.LocalRefreshLock;
import io.podtally.cache.redis.RedisConnectionSettings;
import io.podtally.cache.redis.RedisPodCountStore;

/**
 * What every node-list request pays for its pod counts: one read of the cluster's snapshot, from
 * the shared Redis hash (podtally) or from the replica's own memory (the seed's v2.23.1).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PodCountStoreReadBenchmark {

    /** The system property that carries the port of the benchmark's {@code redis-server}. */
    public static final String REDIS_PORT_PROPERTY = "bench.redis.port";

    @Param({"memory", "redis"})
    public String store;

    @Param({"104", "5000"})
    public int nodes;

    private PodCountStore target;
    private LettuceConnectionFactory connections;
    private String cluster;

    @Setup(Level.Trial)
    public void setUp() {
        PodCountSettings settings = PodCountSettings.defaults();
        if ("redis".equals(store)) {
            connections = RedisConnectionSettings.standalone("127.0.0.1", Integer.getInteger(REDIS_PORT_PROPERTY))
                    .withTimeout(Duration.ofSeconds(5))
                    .lettuce();
            connections.afterPropertiesSet();
            connections.start();
            StringRedisTemplate template = new StringRedisTemplate(connections);
            template.afterPropertiesSet();
            target = new RedisPodCountStore(template, settings);
        } else {
            target = new InMemoryPodCountStore(settings, Clock.systemUTC(), new LocalRefreshLock());
        }
        cluster = "jmh-" + nodes;
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < nodes; i++) {
            counts.put(String.format("node-%05d", i), 30);
        }
        Instant now = Instant.now();
        target.delete(cluster);
        target.write(cluster, new PodCountSnapshot(counts, now, now, now.plus(Duration.ofHours(1)),
                now.plus(Duration.ofHours(2)), null, true, "paginated", nodes * 30 / 1000 + 1, nodes * 30L, 0, 0));
    }

    @Benchmark
    public Optional<PodCountSnapshot> read() {
        return target.read(cluster);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        target.delete(cluster);
        if (connections != null) {
            connections.destroy();
        }
    }
}
