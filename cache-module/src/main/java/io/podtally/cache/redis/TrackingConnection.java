package io.podtally.cache.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.push.PushListener;
import io.lettuce.core.api.push.PushMessage;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections on which Redis tells this replica that a pod-count hash changed: one RESP3 connection per Redis
 * node holding data (the server, the Sentinel master, or every Cluster master), each with
 * {@code CLIENT TRACKING on BCAST PREFIX podtally:{}. In broadcasting mode Redis sends an {@code invalidate} push for
 * every change of a key under the prefix, whichever connection read it, so the reads stay on the store's own
 * connections; the pushes for keys that are not a {@code podtally:{C}:podcounts} hash (locks, leases) are ignored, and
 * a push without keys ({@code FLUSHALL}, {@code FLUSHDB}) drops every copy.
 *
 * <p>Tracking is {@link #active()} only while every node's connection is open and has tracking on. A connection that
 * closes, a {@code ROLE} probe (every {@code probeInterval}) that fails or finds the node no longer a master, a
 * changed set of Cluster masters: each ends tracking and drops every copy at once, and the connections are opened
 * again on the next probe; copies are kept again from the moment every node tracks.
 */
final class TrackingConnection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TrackingConnection.class);

    /** The prefix Redis broadcasts invalidations for. */
    static final String PREFIX = "podtally:{";
    private static final String SUFFIX = "}:podcounts";

    private final Supplier<List<RedisURI>> nodes;
    private final Consumer<String> changed;
    private final Runnable flush;
    private final RedisClient client;
    private final ScheduledExecutorService probe;
    private final AtomicBoolean active = new AtomicBoolean();
    /** Connections lost so far: tracking turns on only if none was lost while the connections were opened. */
    private final AtomicLong losses = new AtomicLong();
    private final Map<String, StatefulRedisConnection<String, String>> connections = new LinkedHashMap<>();
    private final Duration probeInterval;
    private volatile String problem = "not connected yet";

    /**
     * @param nodes the nodes to track, asked on every probe (for a Cluster: its masters as the data client last saw
     *     them)
     * @param options the client options of the data connections (timeouts, TLS); the protocol is set to RESP3 and
     *     reconnection is left to the probe
     * @param probeInterval how often the connections are checked and, when closed, opened again
     * @param changed told the cluster of every changed pod-count hash
     * @param flush told when every copy must go
     */
    TrackingConnection(Supplier<List<RedisURI>> nodes, ClientOptions options, Duration probeInterval,
            Consumer<String> changed, Runnable flush) {
        this.nodes = Objects.requireNonNull(nodes, "nodes");
        this.changed = Objects.requireNonNull(changed, "changed");
        this.flush = Objects.requireNonNull(flush, "flush");
        this.client = RedisClient.create();
        this.client.setOptions(options.mutate().protocolVersion(ProtocolVersion.RESP3).autoReconnect(false)
                .build());
        this.probe = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "podtally-near-cache-tracking");
            thread.setDaemon(true);
            return thread;
        });
        this.probeInterval = probeInterval;
    }

    /** Opens the connections now, in the background, and checks them every probe interval from then on. */
    void start() {
        probe.scheduleWithFixedDelay(this::probe, 0, probeInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether every node's connection is open with tracking on: copies may be kept and served. */
    boolean active() {
        return active.get();
    }

    /** Why tracking is not active; {@code null} while it is. */
    String problem() {
        return active.get() ? null : problem;
    }

    /** The cluster of a pod-count hash key, or {@code null} for any other key. */
    static String clusterOf(String key) {
        if (key == null || !key.startsWith(PREFIX) || !key.endsWith(SUFFIX)
                || key.length() <= PREFIX.length() + SUFFIX.length()) {
            return null;
        }
        return key.substring(PREFIX.length(), key.length() - SUFFIX.length());
    }

    private synchronized void probe() {
        try {
            List<RedisURI> wanted = nodes.get();
            Map<String, RedisURI> byAddress = new LinkedHashMap<>();
            wanted.forEach(uri -> byAddress.put(address(uri), uri));
            if (byAddress.isEmpty()) {
                stop("no Redis node known yet");
                return;
            }
            if (!connections.isEmpty() && !connections.keySet().equals(Set.copyOf(byAddress.keySet()))) {
                stop("the Redis nodes changed from " + connections.keySet() + " to " + byAddress.keySet());
            }
            if (!connections.isEmpty()) {
                for (Map.Entry<String, StatefulRedisConnection<String, String>> entry : connections.entrySet()) {
                    String why = whyNotTracking(entry.getValue());
                    if (why != null) {
                        stop(entry.getKey() + ": " + why);
                        break;
                    }
                }
            }
            if (connections.isEmpty()) {
                start(byAddress);
            }
        } catch (RuntimeException e) {
            stop(e.toString());
        }
    }

    private static String address(RedisURI uri) {
        return uri.getSentinels().isEmpty() ? uri.getHost() + ":" + uri.getPort()
                : "the master " + uri.getSentinelMasterId() + " of the Sentinels";
    }

    /** {@code null} when the connection is open and its node a master, else why not. */
    private static String whyNotTracking(StatefulRedisConnection<String, String> connection) {
        if (!connection.isOpen()) {
            return "connection closed";
        }
        List<Object> role = connection.sync().role();
        Object kind = role.isEmpty() ? null : role.get(0);
        return "master".equals(kind) ? null : "the node is no longer a master (" + kind + ")";
    }

    private void start(Map<String, RedisURI> byAddress) {
        long lossesBefore = losses.get();
        for (Map.Entry<String, RedisURI> node : byAddress.entrySet()) {
            StatefulRedisConnection<String, String> connection;
            try {
                connection = client.connect(StringCodec.UTF8, node.getValue());
            } catch (RuntimeException e) {
                stop("cannot connect to " + node.getKey() + ": " + e.getMessage());
                return;
            }
            connections.put(node.getKey(), connection);
            connection.addListener((PushListener) this::onPush);
            connection.addListener(new RedisConnectionStateListener() {
                @Override
                public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
                    lost(node.getKey() + ": connection closed");
                }
            });
            try {
                connection.sync().clientTracking(TrackingArgs.Builder.enabled().bcast().prefixes(PREFIX));
            } catch (RuntimeException e) {
                stop("CLIENT TRACKING refused by " + node.getKey() + ": " + e.getMessage());
                return;
            }
            String why;
            try {
                why = whyNotTracking(connection);
            } catch (RuntimeException e) {
                why = "ROLE failed: " + e.getMessage();
            }
            if (why != null) {
                stop(node.getKey() + ": " + why);
                return;
            }
        }
        if (!connections.values().stream().allMatch(StatefulRedisConnection::isOpen)) {
            stop("a connection closed while tracking was turned on");
            return;
        }
        active.set(true);
        if (losses.get() != lossesBefore) {
            stop("a connection closed while tracking was turned on");
            return;
        }
        problem = null;
        log.info("Near cache tracks pod-count changes on {}", connections.keySet());
    }

    private void onPush(PushMessage message) {
        if (!"invalidate".equals(message.getType())) {
            return;
        }
        List<Object> content = message.getContent(StringCodec.UTF8::decodeKey);
        Object keys = content.size() < 2 ? null : content.get(1);
        if (!(keys instanceof List<?> list)) {
            flush.run();
            return;
        }
        for (Object key : list) {
            String cluster = clusterOf(String.valueOf(key));
            if (cluster != null) {
                changed.accept(cluster);
            }
        }
    }

    /** A connection closed: copies go at once; the next probe reconnects. */
    private void lost(String why) {
        losses.incrementAndGet();
        if (active.compareAndSet(true, false)) {
            problem = why;
            flush.run();
            log.warn("Near cache lost tracking ({}): reading through to Redis until tracking is on again", why);
        }
    }

    /** Ends tracking, drops every copy when there were any, closes every connection. */
    private void stop(String why) {
        boolean was = active.getAndSet(false);
        problem = why;
        if (was) {
            flush.run();
            log.warn("Near cache lost tracking ({}): reading through to Redis until tracking is on again", why);
        } else {
            log.debug("Near cache not tracking: {}", why);
        }
        connections.values().forEach(connection -> {
            try {
                connection.close();
            } catch (RuntimeException e) {
                log.debug("Closing a tracking connection failed: {}", e.toString());
            }
        });
        connections.clear();
    }

    @Override
    public void close() {
        probe.shutdownNow();
        try {
            probe.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            active.set(false);
            connections.values().forEach(StatefulRedisConnection::close);
            connections.clear();
        }
        client.shutdown(Duration.ZERO, Duration.ofMillis(100));
    }
}
