package io.podtally.cache.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.ClusterServersConfig;
import org.redisson.config.Config;
import org.redisson.config.SentinelServersConfig;
import org.redisson.config.SingleServerConfig;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisConfiguration;
import org.springframework.data.redis.connection.RedisNode;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * One description of the Redis connection from which both clients are built: Lettuce (the store
 * and the events) and Redisson (the refresh lock). Cluster mode when {@code clusterNodes} is not
 * empty, else Sentinel when {@code sentinelMaster} is set, else a single server.
 *
 * @param host the server of single-server mode
 * @param port its port
 * @param username the ACL user, or {@code null}
 * @param password the password, or {@code null}
 * @param database the database (single server and Sentinel)
 * @param ssl whether to use TLS ({@code rediss://})
 * @param timeout bounds every command and every connection attempt; reads answer
 *     {@code unavailable} after it
 * @param sentinelMaster the Sentinel master name, or {@code null}
 * @param sentinelNodes the Sentinels, {@code host:port}
 * @param clusterNodes the Redis Cluster seed nodes, {@code host:port}
 * @param lockWatchdogTimeout how long a refresh lock outlives a holder that died (Redisson's
 *     watchdog renews it every third of this while the holder lives)
 */
public record RedisConnectionSettings(
        String host,
        int port,
        String username,
        String password,
        int database,
        boolean ssl,
        Duration timeout,
        String sentinelMaster,
        List<String> sentinelNodes,
        List<String> clusterNodes,
        Duration lockWatchdogTimeout) {

    /* Redisson serves only the refresh locks: a few connections are plenty. */
    private static final int LOCK_POOL_SIZE = 8;

    public RedisConnectionSettings {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(lockWatchdogTimeout, "lockWatchdogTimeout");
        sentinelNodes = sentinelNodes == null ? List.of() : List.copyOf(sentinelNodes);
        clusterNodes = clusterNodes == null ? List.of() : List.copyOf(clusterNodes);
        if (host == null && clusterNodes.isEmpty() && sentinelMaster == null) {
            throw new IllegalArgumentException("host, sentinelMaster or clusterNodes is required");
        }
    }

    /** A single server without credentials or TLS, database 0, timeout 500 ms, watchdog 30 s. */
    public static RedisConnectionSettings standalone(String host, int port) {
        return new RedisConnectionSettings(
                host, port, null, null, 0, false, Duration.ofMillis(500), null, List.of(), List.of(),
                Duration.ofSeconds(30));
    }

    /** These settings with another command timeout. */
    public RedisConnectionSettings withTimeout(Duration timeout) {
        return new RedisConnectionSettings(
                host, port, username, password, database, ssl, timeout, sentinelMaster, sentinelNodes, clusterNodes,
                lockWatchdogTimeout);
    }

    /** These settings with another lock watchdog timeout. */
    public RedisConnectionSettings withLockWatchdogTimeout(Duration lockWatchdogTimeout) {
        return new RedisConnectionSettings(
                host, port, username, password, database, ssl, timeout, sentinelMaster, sentinelNodes, clusterNodes,
                lockWatchdogTimeout);
    }

    /** Whether Redis Cluster is configured. */
    public boolean cluster() {
        return !clusterNodes.isEmpty();
    }

    /** Whether Sentinel is configured (and Cluster is not). */
    public boolean sentinel() {
        return !cluster() && sentinelMaster != null;
    }

    /**
     * A Lettuce connection factory: commands and connection attempts time out after
     * {@code timeout}, commands fail at once while disconnected, and the connection reconnects by
     * itself. Not started: a Spring context starts it as a bean; otherwise call
     * {@code afterPropertiesSet()} and {@code start()}, and {@code destroy()} at the end.
     */
    public LettuceConnectionFactory lettuce() {
        SocketOptions socket = SocketOptions.builder().connectTimeout(timeout).build();
        TimeoutOptions timeouts = TimeoutOptions.enabled(timeout);
        ClientOptions options = cluster()
                ? ClusterClientOptions.builder()
                        .socketOptions(socket)
                        .timeoutOptions(timeouts)
                        .autoReconnect(true)
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .build()
                : ClientOptions.builder()
                        .socketOptions(socket)
                        .timeoutOptions(timeouts)
                        .autoReconnect(true)
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .build();
        LettuceClientConfiguration.LettuceClientConfigurationBuilder client = LettuceClientConfiguration.builder()
                .commandTimeout(timeout)
                .shutdownTimeout(Duration.ofMillis(100))
                .clientOptions(options);
        if (ssl) {
            client.useSsl();
        }
        return new LettuceConnectionFactory(lettuceServers(), client.build());
    }

    /** A Redisson client connected now (throws when Redis cannot be reached). */
    public RedissonClient redisson() {
        return Redisson.create(redissonConfig());
    }

    /** The Redisson configuration matching {@link #lettuce()}. */
    public Config redissonConfig() {
        Config config = new Config();
        config.setLockWatchdogTimeout(lockWatchdogTimeout.toMillis());
        if (username != null) {
            config.setUsername(username);
        }
        if (password != null) {
            config.setPassword(password);
        }
        int timeoutMillis = Math.toIntExact(timeout.toMillis());
        if (cluster()) {
            ClusterServersConfig servers = config.useClusterServers();
            clusterNodes.forEach(node -> servers.addNodeAddress(address(node)));
            servers.setMasterConnectionMinimumIdleSize(1).setMasterConnectionPoolSize(LOCK_POOL_SIZE)
                    .setSlaveConnectionMinimumIdleSize(1).setSlaveConnectionPoolSize(LOCK_POOL_SIZE);
            servers.setTimeout(timeoutMillis).setConnectTimeout(timeoutMillis).setRetryAttempts(1);
        } else if (sentinel()) {
            SentinelServersConfig servers = config.useSentinelServers().setMasterName(sentinelMaster);
            sentinelNodes.forEach(node -> servers.addSentinelAddress(address(node)));
            servers.setDatabase(database);
            servers.setMasterConnectionMinimumIdleSize(1).setMasterConnectionPoolSize(LOCK_POOL_SIZE)
                    .setSlaveConnectionMinimumIdleSize(1).setSlaveConnectionPoolSize(LOCK_POOL_SIZE);
            servers.setTimeout(timeoutMillis).setConnectTimeout(timeoutMillis).setRetryAttempts(1);
        } else {
            SingleServerConfig server = config.useSingleServer().setAddress(address(host + ":" + port));
            server.setDatabase(database);
            server.setConnectionMinimumIdleSize(1).setConnectionPoolSize(LOCK_POOL_SIZE);
            server.setTimeout(timeoutMillis).setConnectTimeout(timeoutMillis).setRetryAttempts(1);
        }
        return config;
    }

    /** Without the password. */
    @Override
    public String toString() {
        return "RedisConnectionSettings[" + (cluster() ? "cluster=" + clusterNodes
                : sentinel() ? "sentinel=" + sentinelMaster + "@" + sentinelNodes : host + ":" + port)
                + ", database=" + database + ", ssl=" + ssl + ", username=" + username
                + ", password=" + (password == null ? "none" : "***") + ", timeout=" + timeout
                + ", lockWatchdogTimeout=" + lockWatchdogTimeout + "]";
    }

    RedisConfiguration lettuceServers() {
        RedisPassword redisPassword = password == null ? RedisPassword.none() : RedisPassword.of(password);
        if (cluster()) {
            RedisClusterConfiguration servers = new RedisClusterConfiguration(clusterNodes);
            servers.setUsername(username);
            servers.setPassword(redisPassword);
            return servers;
        }
        if (sentinel()) {
            RedisSentinelConfiguration servers = new RedisSentinelConfiguration();
            servers.master(sentinelMaster);
            sentinelNodes.forEach(node -> servers.sentinel(RedisNode.fromString(node)));
            servers.setDatabase(database);
            servers.setUsername(username);
            servers.setPassword(redisPassword);
            return servers;
        }
        RedisStandaloneConfiguration server = new RedisStandaloneConfiguration(host, port);
        server.setDatabase(database);
        server.setUsername(username);
        server.setPassword(redisPassword);
        return server;
    }

    private String address(String hostAndPort) {
        return (ssl ? "rediss://" : "redis://") + hostAndPort;
    }
}
