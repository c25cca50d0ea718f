package io.podtally.cache.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Sentinel set-up on 127.0.0.1, each server on a free port: a master and a replica, both with {@code requirepass}
 * and {@code masterauth} {@link #PASSWORD}, watched by three Sentinels ({@code redis-server --sentinel}, quorum 2)
 * that have their own {@code requirepass} {@link #SENTINEL_PASSWORD}. A master is taken for down after 1 s.
 *
 * <pre>{@code
 * try (RedisSentinels redis = RedisSentinels.start()) {
 *     RedisConnectionSettings settings = redis.settings();
 *     redis.killMaster();                 // SIGKILL
 *     redis.awaitFailover(Duration.ofSeconds(30));
 * }
 * }</pre>
 */
public final class RedisSentinels implements AutoCloseable {

    /** The Sentinel master name. */
    public static final String MASTER = "podtally";
    /** The password of the data nodes. */
    public static final String PASSWORD = "data-secret";
    /** The password of the Sentinels. */
    public static final String SENTINEL_PASSWORD = "sentinel-secret";

    private static final Logger log = LoggerFactory.getLogger(RedisSentinels.class);
    private static final List<String> DATA_CLI = List.of("-a", PASSWORD, "--no-auth-warning");
    private static final List<String> SENTINEL_CLI = List.of("-a", SENTINEL_PASSWORD, "--no-auth-warning");

    private final Path dir;
    private final List<RedisNode> dataNodes = new ArrayList<>();
    private final List<RedisNode> sentinels = new ArrayList<>();
    private volatile int masterPort;

    private RedisSentinels(Path dir) {
        this.dir = dir;
    }

    /** Starts the master, the replica (in sync) and the Sentinels (each aware of the others and the replica). */
    public static RedisSentinels start() {
        Path dir;
        try {
            dir = Files.createTempDirectory("podtally-sentinel");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RedisSentinels setUp = new RedisSentinels(dir);
        try {
            setUp.launch();
            return setUp;
        } catch (RuntimeException e) {
            setUp.close();
            throw e;
        }
    }

    private void launch() {
        List<String> auth = List.of("requirepass " + PASSWORD, "masterauth " + PASSWORD);
        RedisNode master = RedisNode.start(dir, "master", RedisTestSupport.closedPort(), auth, DATA_CLI, false);
        dataNodes.add(master);
        masterPort = master.port();
        List<String> replicaConfig = new ArrayList<>(auth);
        replicaConfig.add("replicaof 127.0.0.1 " + master.port());
        RedisNode replica = RedisNode.start(dir, "replica", RedisTestSupport.closedPort(), replicaConfig,
                DATA_CLI, false);
        dataNodes.add(replica);
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> replica.cli("INFO", "replication").contains("master_link_status:up"));
        for (int i = 1; i <= 3; i++) {
            sentinels.add(RedisNode.start(dir, "sentinel-" + i, RedisTestSupport.closedPort(), List.of(
                    "requirepass " + SENTINEL_PASSWORD,
                    "sentinel sentinel-pass " + SENTINEL_PASSWORD,
                    "sentinel monitor " + MASTER + " 127.0.0.1 " + master.port() + " 2",
                    "sentinel auth-pass " + MASTER + " " + PASSWORD,
                    "sentinel down-after-milliseconds " + MASTER + " 1000",
                    "sentinel failover-timeout " + MASTER + " 10000",
                    "sentinel parallel-syncs " + MASTER + " 1"), SENTINEL_CLI, true));
        }
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> sentinels.stream().allMatch(s -> {
                    String master1 = s.cli("SENTINEL", "MASTER", MASTER);
                    return field(master1, "num-other-sentinels").equals("2") && field(master1, "num-slaves").equals("1");
                }));
        log.info("Sentinels {} watch master {} with replica {}", sentinelNodes(), master.address(), replica.address());
    }

    /** The Sentinels, {@code 127.0.0.1:port}. */
    public List<String> sentinelNodes() {
        return sentinels.stream().map(RedisNode::address).toList();
    }

    /** Settings with the data nodes' and the Sentinels' passwords, timeout 500 ms, lock watchdog 2 s. */
    public RedisConnectionSettings settings() {
        return RedisConnectionSettings.sentinel(MASTER, sentinelNodes())
                .withCredentials(null, PASSWORD)
                .withSentinelCredentials(null, SENTINEL_PASSWORD)
                .withLockWatchdogTimeout(Duration.ofSeconds(2));
    }

    /** The data node that is the master now, as the Sentinels last said. */
    public RedisNode master() {
        return dataNodes.stream().filter(node -> node.port() == masterPort).findFirst().orElseThrow();
    }

    /** SIGKILLs the master. */
    public RedisNode killMaster() {
        RedisNode master = master();
        master.kill();
        log.info("Master {} (pid {}) killed", master.address(), master.pid());
        return master;
    }

    /**
     * Waits until every Sentinel names another, live master and that master answers as one.
     *
     * @return the new master
     */
    public RedisNode awaitFailover(Duration atMost) {
        int old = masterPort;
        Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(100)).until(() -> sentinels.stream()
                .allMatch(s -> {
                    int named = Integer.parseInt(s.cli("SENTINEL", "get-master-addr-by-name", MASTER).lines()
                            .reduce((a, b) -> b).orElseThrow().trim());
                    return named != old;
                }));
        int named = Integer.parseInt(sentinels.get(0).cli("SENTINEL", "get-master-addr-by-name", MASTER).lines()
                .reduce((a, b) -> b).orElseThrow().trim());
        masterPort = named;
        RedisNode master = master();
        Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(100))
                .until(() -> master.cli("ROLE").startsWith("master"));
        log.info("Failed over to {}", master.address());
        return master;
    }

    /** Waits until the replica has acknowledged every write the master took so far. */
    public void awaitReplicated() {
        assertReplicas(master().cli("WAIT", "1", "5000"));
    }

    private static void assertReplicas(String acknowledged) {
        if (!acknowledged.trim().equals("1")) {
            throw new IllegalStateException("the replica did not acknowledge the writes within 5 s: " + acknowledged);
        }
    }

    /** Runs {@code redis-cli} with the data password against the master. */
    public String cli(String... args) {
        return master().cli(args);
    }

    @Override
    public void close() {
        sentinels.forEach(RedisNode::close);
        dataNodes.forEach(RedisNode::close);
        try (var files = Files.walk(dir)) {
            files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            log.debug("Could not remove {}: {}", dir, e.toString());
        }
    }

    private static String field(String reply, String name) {
        List<String> lines = reply.lines().map(String::trim).toList();
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).equals(name)) {
                return lines.get(i + 1);
            }
        }
        return "";
    }
}
