package io.podtally.cache.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
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
 * @param sentinelUsername the ACL user of the Sentinels, or {@code null}
 * @param sentinelPassword the password of the Sentinels, or {@code null}
 * @param topologyRefreshPeriod how often both clients reread the Redis Cluster topology (Lettuce's
 *     periodic refresh, Redisson's scan interval)
 * @param adaptiveTopologyRefresh whether Lettuce also rereads the Cluster topology at once on a
 *     {@code MOVED}/{@code ASK} redirect or a failed reconnect (at most once per refresh period)
 * @param sslTrust the trust material of TLS connections, or {@code null} for the JVM's default
 *     trust store
 * @param sslKeys the client certificate of TLS connections, or {@code null} for none
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
        Duration lockWatchdogTimeout,
        String sentinelUsername,
        String sentinelPassword,
        Duration topologyRefreshPeriod,
        boolean adaptiveTopologyRefresh,
        TrustManagerFactory sslTrust,
        KeyManagerFactory sslKeys) {

    /* Redisson serves only the refresh locks: a few connections are plenty. */
    private static final int LOCK_POOL_SIZE = 8;

    /** The topology refresh period when none is configured. */
    public static final Duration DEFAULT_TOPOLOGY_REFRESH_PERIOD = Duration.ofSeconds(5);

    public RedisConnectionSettings {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(lockWatchdogTimeout, "lockWatchdogTimeout");
        topologyRefreshPeriod = topologyRefreshPeriod == null ? DEFAULT_TOPOLOGY_REFRESH_PERIOD : topologyRefreshPeriod;
        if (topologyRefreshPeriod.isNegative() || topologyRefreshPeriod.isZero()) {
            throw new IllegalArgumentException("topologyRefreshPeriod must be positive, was " + topologyRefreshPeriod);
        }
        sentinelNodes = sentinelNodes == null ? List.of() : List.copyOf(sentinelNodes);
        clusterNodes = clusterNodes == null ? List.of() : List.copyOf(clusterNodes);
        if (host == null && clusterNodes.isEmpty() && sentinelMaster == null) {
            throw new IllegalArgumentException("host, sentinelMaster or clusterNodes is required");
        }
    }

    /**
     * Settings without Sentinel credentials, with the default topology refresh (every 5 s and
     * adaptive) and the JVM's default trust store.
     */
    public RedisConnectionSettings(String host, int port, String username, String password, int database,
            boolean ssl, Duration timeout, String sentinelMaster, List<String> sentinelNodes, List<String> clusterNodes,
            Duration lockWatchdogTimeout) {
        this(host, port, username, password, database, ssl, timeout, sentinelMaster, sentinelNodes, clusterNodes,
                lockWatchdogTimeout, null, null, DEFAULT_TOPOLOGY_REFRESH_PERIOD, true, null, null);
    }

    /** A single server without credentials or TLS, database 0, timeout 500 ms, watchdog 30 s. */
    public static RedisConnectionSettings standalone(String host, int port) {
        return new RedisConnectionSettings(
                host, port, null, null, 0, false, Duration.ofMillis(500), null, List.of(), List.of(),
                Duration.ofSeconds(30));
    }

    /** The data nodes of the Sentinel master {@code master}, found through {@code sentinels}, without credentials. */
    public static RedisConnectionSettings sentinel(String master, List<String> sentinels) {
        return new RedisConnectionSettings(
                null, 0, null, null, 0, false, Duration.ofMillis(500), master, sentinels, List.of(),
                Duration.ofSeconds(30));
    }

    /** The Redis Cluster of the seed nodes {@code nodes}, without credentials. */
    public static RedisConnectionSettings cluster(List<String> nodes) {
        return new RedisConnectionSettings(
                null, 0, null, null, 0, false, Duration.ofMillis(500), null, List.of(), nodes, Duration.ofSeconds(30));
    }

    /** These settings with another command timeout. */
    public RedisConnectionSettings withTimeout(Duration timeout) {
        return new RedisConnectionSettings(
                host, port, username, password, database, ssl, timeout, sentinelMaster, sentinelNodes, clusterNodes,
                lockWatchdogTimeout, sentinelUsername, sentinelPassword, topologyRefreshPeriod, adaptiveTopologyRefresh,
                sslTrust, sslKeys);
    }

    /** These settings with another lock watchdog timeout. */
    public RedisConnectionSettings withLockWatchdogTimeout(Duration lockWatchdogTimeout) {
        return new RedisConnectionSettings(
                host, port, username, password, database, ssl, timeout, sentinelMaster, sentinelNodes, clusterNodes,
                lockWatchdogTimeout, sentinelUsername, sentinelPassword, topologyRefreshPeriod, adaptiveTopologyRefresh,
                sslTrust, sslKeys);
    }

    /** These settings with the data nodes' ACL user ({@code null} for the default user) and password. */
    public RedisConnectionSettings withCredentials(String username, String password) {
        return new RedisConnectionSettings(
                host, port, username, password, database, ssl, timeout, sentinelMaster, sentinelNodes, clusterNodes,
                lockWatchdogTimeout, sentinelUsername, sentinelPassword, topologyRefreshPeriod, adaptiveTopologyRefresh,
                sslTrust, sslKeys);
    }

    /** These settings with the Sentinels' ACL user ({@code null} for the default user) and password. */
    public RedisConnectionSettings withSentinelCredentials(String sentinelUsername, String sentinelPassword) {
        return new RedisConnectionSettings(
                host, port, username, password, database, ssl, timeout, sentinelMaster, sentinelNodes, clusterNodes,
                lockWatchdogTimeout, sentinelUsername, sentinelPassword, topologyRefreshPeriod, adaptiveTopologyRefresh,
                sslTrust, sslKeys);
    }

    /** These settings with another topology refresh period and adaptive refresh on or off. */
    public RedisConnectionSettings withTopologyRefresh(Duration period, boolean adaptive) {
        return new RedisConnectionSettings(
                host, port, username, password, database, ssl, timeout, sentinelMaster, sentinelNodes, clusterNodes,
                lockWatchdogTimeout, sentinelUsername, sentinelPassword, period, adaptive, sslTrust, sslKeys);
    }

    /** These settings over TLS, trusting {@code trust} ({@code null}: the JVM's default) with client keys {@code keys}. */
    public RedisConnectionSettings withTls(TrustManagerFactory trust, KeyManagerFactory keys) {
        return new RedisConnectionSettings(
                host, port, username, password, database, true, timeout, sentinelMaster, sentinelNodes, clusterNodes,
                lockWatchdogTimeout, sentinelUsername, sentinelPassword, topologyRefreshPeriod, adaptiveTopologyRefresh,
                trust, keys);
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
                        .sslOptions(lettuceSsl())
                        .topologyRefreshOptions(topologyRefresh())
                        .build()
                : ClientOptions.builder()
                        .socketOptions(socket)
                        .timeoutOptions(timeouts)
                        .autoReconnect(true)
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .sslOptions(lettuceSsl())
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

    /**
     * Client options for a plain (not Cluster) Lettuce client with the timeouts and TLS material of
     * {@link #lettuce()}: for connections podtally opens itself, one per node (the near cache's tracking).
     */
    ClientOptions nodeClientOptions() {
        return ClientOptions.builder()
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .sslOptions(lettuceSsl())
                .build();
    }

    /**
     * The address of the data node to connect to with {@link #nodeClientOptions()}: the server, or the Sentinel
     * master as the Sentinels tell it at connection time. Not for a Cluster (see {@link #nodeUri}).
     */
    RedisURI dataNodeUri() {
        if (sentinel()) {
            RedisURI.Builder uri = RedisURI.builder();
            sentinelNodes.forEach(node -> uri.withSentinel(sentinelUri(node)));
            uri.withSentinelMasterId(sentinelMaster).withDatabase(database).withSsl(ssl).withTimeout(timeout);
            authenticate(uri, username, password);
            return uri.build();
        }
        return nodeUri(host, port);
    }

    /** The address of one data node ({@code host:port}), with the data nodes' credentials, TLS and timeout. */
    RedisURI nodeUri(String nodeHost, int nodePort) {
        RedisURI.Builder uri = RedisURI.Builder.redis(nodeHost, nodePort).withSsl(ssl).withTimeout(timeout);
        if (!cluster()) {
            uri.withDatabase(database);
        }
        authenticate(uri, username, password);
        return uri.build();
    }

    private RedisURI sentinelUri(String node) {
        RedisNode parsed = RedisNode.fromString(node);
        RedisURI.Builder uri = RedisURI.Builder.redis(parsed.getHost(), parsed.getPort()).withSsl(ssl)
                .withTimeout(timeout);
        authenticate(uri, sentinelUsername, sentinelPassword);
        return uri.build();
    }

    private static void authenticate(RedisURI.Builder uri, String user, String secret) {
        if (secret == null) {
            return;
        }
        if (user == null) {
            uri.withPassword(secret.toCharArray());
        } else {
            uri.withAuthentication(user, secret.toCharArray());
        }
    }

    private SslOptions lettuceSsl() {
        SslOptions.Builder tls = SslOptions.builder().jdkSslProvider();
        if (sslTrust != null) {
            tls.trustManager(sslTrust);
        }
        if (sslKeys != null) {
            tls.keyManager(sslKeys);
        }
        return tls.build();
    }

    private ClusterTopologyRefreshOptions topologyRefresh() {
        ClusterTopologyRefreshOptions.Builder refresh = ClusterTopologyRefreshOptions.builder()
                .enablePeriodicRefresh(topologyRefreshPeriod)
                .dynamicRefreshSources(true)
                .closeStaleConnections(true);
        if (adaptiveTopologyRefresh) {
            refresh.enableAllAdaptiveRefreshTriggers().adaptiveRefreshTriggersTimeout(topologyRefreshPeriod);
        }
        return refresh.build();
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
        if (sslTrust != null) {
            config.setSslTrustManagerFactory(sslTrust);
        }
        if (sslKeys != null) {
            config.setSslKeyManagerFactory(sslKeys);
        }
        int timeoutMillis = Math.toIntExact(timeout.toMillis());
        if (cluster()) {
            ClusterServersConfig servers = config.useClusterServers();
            clusterNodes.forEach(node -> servers.addNodeAddress(address(node)));
            servers.setScanInterval(Math.toIntExact(topologyRefreshPeriod.toMillis()));
            servers.setMasterConnectionMinimumIdleSize(1).setMasterConnectionPoolSize(LOCK_POOL_SIZE)
                    .setSlaveConnectionMinimumIdleSize(1).setSlaveConnectionPoolSize(LOCK_POOL_SIZE);
            servers.setTimeout(timeoutMillis).setConnectTimeout(timeoutMillis).setRetryAttempts(1);
        } else if (sentinel()) {
            SentinelServersConfig servers = config.useSentinelServers().setMasterName(sentinelMaster);
            sentinelNodes.forEach(node -> servers.addSentinelAddress(address(node)));
            servers.setDatabase(database);
            if (sentinelUsername != null) {
                servers.setSentinelUsername(sentinelUsername);
            }
            if (sentinelPassword != null) {
                servers.setSentinelPassword(sentinelPassword);
            }
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
                + ", password=" + (password == null ? "none" : "***")
                + (sentinel() ? ", sentinelUsername=" + sentinelUsername + ", sentinelPassword="
                        + (sentinelPassword == null ? "none" : "***") : "")
                + (ssl ? ", trust=" + (sslTrust == null ? "jvm default" : "ssl bundle") : "")
                + ", timeout=" + timeout + ", lockWatchdogTimeout=" + lockWatchdogTimeout
                + (cluster() ? ", topologyRefresh=" + topologyRefreshPeriod + (adaptiveTopologyRefresh ? "+adaptive" : "")
                        : "") + "]";
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
            servers.setSentinelUsername(sentinelUsername);
            servers.setSentinelPassword(sentinelPassword == null ? RedisPassword.none()
                    : RedisPassword.of(sentinelPassword));
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
