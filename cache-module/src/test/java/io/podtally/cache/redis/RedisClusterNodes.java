package io.podtally.cache.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Redis Cluster on 127.0.0.1: six {@code redis-server} nodes with {@code cluster-enabled yes} on free ports (data
 * and bus), made into three masters with one replica each by {@code redis-cli --cluster create … --cluster-replicas 1}.
 * A node is taken for failed after 1 s ({@code cluster-node-timeout 1000}).
 *
 * <pre>{@code
 * try (RedisClusterNodes redis = RedisClusterNodes.start()) {
 *     RedisNode master = redis.masterOf("podtally:{c1}:podcounts");
 *     master.kill();
 *     redis.awaitFailover(master, Duration.ofSeconds(30));
 * }
 * }</pre>
 */
public final class RedisClusterNodes implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisClusterNodes.class);
    private static final int NODES = 6;

    private final Path dir;
    private final List<RedisNode> nodes = new ArrayList<>();

    private RedisClusterNodes(Path dir) {
        this.dir = dir;
    }

    /** Starts the six nodes, creates the cluster and waits until every node says {@code cluster_state:ok}. */
    public static RedisClusterNodes start() {
        Path dir;
        try {
            dir = Files.createTempDirectory("podtally-cluster");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RedisClusterNodes cluster = new RedisClusterNodes(dir);
        try {
            cluster.launch();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void launch() {
        for (int i = 1; i <= NODES; i++) {
            int port = RedisTestSupport.closedPort();
            nodes.add(RedisNode.start(dir, "node-" + i, port, List.of(
                    "cluster-enabled yes",
                    "cluster-port " + RedisTestSupport.closedPort(),
                    "cluster-config-file nodes-" + port + ".conf",
                    "cluster-node-timeout 1000",
                    "cluster-replica-validity-factor 0"), List.of(), false));
        }
        List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        nodes.forEach(node -> create.add(node.address()));
        create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
        RedisNode.run(create, Duration.ofSeconds(60));
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> nodes.stream().allMatch(node -> node.cli("CLUSTER", "INFO").contains("cluster_state:ok"))
                        && nodes.stream().filter(node -> node.cli("ROLE").startsWith("slave"))
                                .allMatch(node -> node.cli("INFO", "replication").contains("master_link_status:up")));
        log.info("Redis Cluster of {} ready", seeds());
    }

    /** Every node, {@code 127.0.0.1:port}, as seed nodes. */
    public List<String> seeds() {
        return nodes.stream().map(RedisNode::address).toList();
    }

    /** Settings on the seed nodes, timeout 500 ms, lock watchdog 2 s, topology refreshed every {@code refresh}. */
    public RedisConnectionSettings settings(Duration refresh) {
        return RedisConnectionSettings.cluster(seeds()).withLockWatchdogTimeout(Duration.ofSeconds(2))
                .withTopologyRefresh(refresh, true);
    }

    /** The hash slot of {@code key}. */
    public int slot(String key) {
        return Integer.parseInt(live().cli("CLUSTER", "KEYSLOT", key).trim());
    }

    /** The live master that serves {@code key}'s slot, as a live node says. */
    public RedisNode masterOf(String key) {
        int slot = slot(key);
        return ownerOf(slot).orElseThrow(() -> new IllegalStateException("no live master serves slot " + slot));
    }

    /**
     * Waits until a live node other than {@code dead} serves every slot {@code dead} served and every live node says
     * {@code cluster_state:ok}.
     *
     * @return the master that now serves {@code key}
     */
    public RedisNode awaitFailover(RedisNode dead, String key, Duration atMost) {
        int slot = slot(key);
        Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(100))
                .until(() -> ownerOf(slot).filter(owner -> owner != dead).isPresent()
                        && nodes.stream().filter(RedisNode::running)
                                .allMatch(node -> node.cli("CLUSTER", "INFO").contains("cluster_state:ok")));
        RedisNode master = ownerOf(slot).orElseThrow();
        log.info("Slot {} failed over from {} to {}", slot, dead.address(), master.address());
        return master;
    }

    /** Runs {@code redis-cli -c} (following redirects) against a live node. */
    public String cli(String... args) {
        List<String> command = new ArrayList<>(List.of("-c"));
        command.addAll(List.of(args));
        return live().cli(command.toArray(String[]::new));
    }

    private Optional<RedisNode> ownerOf(int slot) {
        for (String line : live().cli("CLUSTER", "NODES").lines().toList()) {
            String[] fields = line.split(" ");
            if (fields.length < 9 || !fields[2].contains("master") || fields[2].contains("fail")) {
                continue;
            }
            for (int i = 8; i < fields.length; i++) {
                if (covers(fields[i], slot)) {
                    int port = Integer.parseInt(fields[1].substring(fields[1].indexOf(':') + 1, fields[1].indexOf('@')));
                    return nodes.stream().filter(node -> node.port() == port && node.running()).findFirst();
                }
            }
        }
        return Optional.empty();
    }

    private static boolean covers(String range, int slot) {
        if (range.startsWith("[")) {
            return false;
        }
        int dash = range.indexOf('-');
        int from = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
        int to = dash < 0 ? from : Integer.parseInt(range.substring(dash + 1));
        return slot >= from && slot <= to;
    }

    private RedisNode live() {
        return nodes.stream().filter(RedisNode::running).findFirst().orElseThrow();
    }

    @Override
    public void close() {
        nodes.forEach(RedisNode::close);
        try (var files = Files.walk(dir)) {
            files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            log.debug("Could not remove {}: {}", dir, e.toString());
        }
    }
}
