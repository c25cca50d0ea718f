package io.podtally.k8s.fabric8;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.NodeMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.podtally.k8s.Fingerprints;
import io.podtally.k8s.NodeMetricsCache;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Node usage of one cluster from metrics.k8s.io ({@code kubectl top nodes}), polled in the
 * background every refresh interval while the cluster is being asked for, and for
 * {@link #IDLE_AFTER} after the last question. At most one poll per cluster is in flight.
 *
 * <p>A cluster without metrics-server (404, or 503 from an unavailable metrics API) is
 * {@link MetricsState#UNAVAILABLE}, logged once. When a poll fails otherwise, the last good
 * metrics are kept for four refresh intervals, then dropped.
 */
public final class Fabric8NodeMetricsCache implements NodeMetricsCache, AutoCloseable {

    /** Polling stops this long after the last call to {@link #usage}, {@link #state} or {@link #snapshot}. */
    static final Duration IDLE_AFTER = Duration.ofMinutes(5);

    private static final Logger log = LoggerFactory.getLogger(Fabric8NodeMetricsCache.class);

    private final String cluster;
    private final KubernetesClient client;
    private final Duration refreshInterval;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;

    private volatile Snapshot snapshot = new Snapshot(MetricsState.UNKNOWN, Map.of(), 0, null);
    private volatile Instant lastAskedAt;
    private volatile boolean closed;
    private volatile boolean failing;
    private boolean polling;

    /**
     * @param cluster the cluster's name, for logs
     * @param client the cluster's client; not closed by this cache
     * @param refreshInterval how often metrics are polled while asked for
     * @param scheduler runs the polls (blocking calls); not shut down by this cache
     */
    public Fabric8NodeMetricsCache(String cluster, KubernetesClient client, Duration refreshInterval,
            ScheduledExecutorService scheduler) {
        this(cluster, client, refreshInterval, scheduler, Clock.systemUTC());
    }

    Fabric8NodeMetricsCache(String cluster, KubernetesClient client, Duration refreshInterval,
            ScheduledExecutorService scheduler, Clock clock) {
        this.cluster = cluster;
        this.client = client;
        this.refreshInterval = refreshInterval;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    /** Polls once now, in the background, and keeps polling for a while as if asked. */
    public void start() {
        asked();
    }

    @Override
    public Optional<NodeUsage> usage(String nodeName) {
        asked();
        return snapshot.usage(nodeName);
    }

    @Override
    public MetricsState state() {
        asked();
        return snapshot.state();
    }

    @Override
    public Instant fetchedAt() {
        return snapshot.fetchedAt();
    }

    @Override
    public long fingerprint() {
        return snapshot.fingerprint();
    }

    @Override
    public Snapshot snapshot() {
        asked();
        return snapshot;
    }

    @Override
    public void close() {
        closed = true;
    }

    /** Whether a poll is scheduled or running; for tests. */
    synchronized boolean polling() {
        return polling;
    }

    private void asked() {
        lastAskedAt = clock.instant();
        synchronized (this) {
            if (polling || closed) {
                return;
            }
            polling = true;
        }
        schedule(0);
    }

    private void schedule(long delayMillis) {
        try {
            scheduler.schedule(this::poll, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                polling = false;
            }
        }
    }

    private void poll() {
        if (closed) {
            return;
        }
        try {
            refresh();
        } catch (RuntimeException e) {
            if (!closed) {
                log.warn("Cluster {}: node metrics poll failed unexpectedly", cluster, e);
            }
        } finally {
            boolean again;
            synchronized (this) {
                Instant asked = lastAskedAt;
                again = !closed && asked != null && asked.plus(IDLE_AFTER).isAfter(clock.instant());
                polling = again;
            }
            if (again) {
                schedule(refreshInterval.toMillis());
            }
        }
    }

    private void refresh() {
        Instant now = clock.instant();
        try {
            Map<String, NodeUsage> usage = new HashMap<>();
            for (NodeMetrics m : client.top().nodes().metrics().getItems()) {
                if (m.getMetadata() != null && m.getMetadata().getName() != null && m.getUsage() != null) {
                    usage.put(m.getMetadata().getName(), new NodeUsage(quantity(m.getUsage().get("cpu")),
                            quantity(m.getUsage().get("memory")), instant(m.getTimestamp())));
                }
            }
            if (snapshot.state() != MetricsState.AVAILABLE || failing) {
                log.info("Cluster {}: node metrics available ({} nodes)", cluster, usage.size());
            }
            failing = false;
            Map<String, NodeUsage> held = Map.copyOf(usage);
            snapshot = new Snapshot(MetricsState.AVAILABLE, held, Fingerprints.usages(held), now);
        } catch (KubernetesClientException e) {
            onFailure(e, now);
        }
    }

    private void onFailure(KubernetesClientException e, Instant now) {
        if (closed) {
            return;
        }
        Snapshot current = snapshot;
        if (e.getCode() == 404 || e.getCode() == 503) {
            if (current.state() != MetricsState.UNAVAILABLE) {
                log.info("Cluster {}: no node metrics (metrics.k8s.io answers {}); usage is not shown", cluster,
                        e.getCode());
            }
            snapshot = new Snapshot(MetricsState.UNAVAILABLE, Map.of(), 0, null);
            return;
        }
        if (!failing) {
            log.warn("Cluster {}: node metrics poll failed, keeping the last metrics for a while: {}", cluster,
                    Fabric8Clients.describe(e));
        }
        failing = true;
        boolean keep = current.state() == MetricsState.AVAILABLE
                && current.fetchedAt().plus(refreshInterval.multipliedBy(4)).isAfter(now);
        if (!keep) {
            snapshot = new Snapshot(MetricsState.UNAVAILABLE, Map.of(), 0, null);
        }
    }

    private static String quantity(Quantity quantity) {
        return quantity == null ? null : quantity.toString();
    }

    private static Instant instant(String timestamp) {
        if (timestamp == null) {
            return null;
        }
        try {
            return Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
