package io.podtally.k8s.fabric8;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.podtally.k8s.ErrorCategory;
import io.podtally.k8s.NodeCache;
import io.podtally.k8s.NodeView;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nodes of one cluster, kept by a fabric8 node informer whose store holds only
 * {@link NodeView}s. {@link #start()} returns at once; the informer lists and watches in the
 * background and retries on its own with backoff. When the first list has not completed within
 * the sync deadline, or the watch has been lost for as long, the cache reports
 * {@link InformerState#DEGRADED} with the reason, and goes back to {@link InformerState#SYNCED}
 * when the API server answers again.
 *
 * <p>The informer lists nodes in pages of {@value #LIST_PAGE_SIZE}: fabric8 deserializes each list
 * response on the HTTP client's event loop, which the pod counters and the other clusters' clients
 * share, so one unpaged list of thousands of nodes would stall their traffic for as long; a page
 * bounds that stall, and spares the API server one huge response.
 */
public final class Fabric8NodeCache implements NodeCache, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Fabric8NodeCache.class);

    private static final Duration CHECK_INTERVAL = Duration.ofMillis(250);
    private static final Duration MAX_RESTART_DELAY = Duration.ofSeconds(30);
    /** Nodes per list page: a page of full Node objects (with their image lists) is megabytes of JSON. */
    static final long LIST_PAGE_SIZE = 250;

    private final String cluster;
    private final KubernetesClient client;
    private final Duration syncTimeout;
    private final ScheduledExecutorService scheduler;
    private final SlimNodeStore store = new SlimNodeStore();
    private final CompletableFuture<Void> firstSync = new CompletableFuture<>();

    private volatile InformerState state = InformerState.STARTING;
    private volatile String lastError;
    private volatile ErrorCategory errorCategory;
    private volatile String lastFailure;
    private volatile ErrorCategory lastFailureCategory;
    private volatile boolean closed;
    private volatile boolean started;
    private volatile long startedAt;
    private volatile long notWatchingSince = -1;

    private SharedIndexInformer<Node> informer;
    private ScheduledFuture<?> checks;
    private int restarts;

    /**
     * @param cluster the cluster's name, for logs
     * @param client the cluster's client; not closed by this cache
     * @param syncTimeout how long the first list, or a lost watch, may take before the cache is degraded
     * @param scheduler runs the short state checks and informer restarts; not shut down by this cache
     */
    public Fabric8NodeCache(String cluster, KubernetesClient client, Duration syncTimeout, ScheduledExecutorService scheduler) {
        this.cluster = cluster;
        this.client = client;
        this.syncTimeout = syncTimeout;
        this.scheduler = scheduler;
    }

    /** Starts the informer in the background; returns at once. Calling it again does nothing. */
    public synchronized void start() {
        if (closed || checks != null) {
            return;
        }
        startedAt = System.nanoTime();
        started = true;
        launch();
        checks = scheduler.scheduleWithFixedDelay(this::check, CHECK_INTERVAL.toMillis(), CHECK_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public InformerState state() {
        return closed ? InformerState.STOPPED : state;
    }

    @Override
    public boolean firstSyncExpected() {
        if (closed || firstSync.isDone()) {
            return false;
        }
        return !started || System.nanoTime() - startedAt < syncTimeout.toNanos();
    }

    @Override
    public boolean awaitSynced(Duration timeout) {
        try {
            firstSync.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | CancellationException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public List<NodeView> list() {
        return snapshot().nodes();
    }

    @Override
    public Snapshot snapshot() {
        return firstSync.isDone() ? store.snapshot() : Snapshot.EMPTY;
    }

    @Override
    public Optional<NodeView> get(String name) {
        return firstSync.isDone() && name != null ? store.view(name) : Optional.empty();
    }

    @Override
    public long fingerprint() {
        return firstSync.isDone() ? store.fingerprint() : 0;
    }

    @Override
    public String lastError() {
        return lastError;
    }

    @Override
    public ErrorCategory errorCategory() {
        return errorCategory;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        state = InformerState.STOPPED;
        if (checks != null) {
            checks.cancel(false);
        }
        if (informer != null) {
            informer.stop();
        }
        firstSync.cancel(false);
    }

    /** What the informer's own store holds; for tests. */
    synchronized List<Node> informerStoreItems() {
        return informer == null ? List.of() : informer.getStore().list();
    }

    private synchronized void launch() {
        if (closed) {
            return;
        }
        SharedIndexInformer<Node> created;
        try {
            created = client.nodes().withLimit(LIST_PAGE_SIZE).runnableInformer(0);
            created.itemStore(store);
            created.removeNamespaceIndex();
            created.exceptionHandler(this::onInformerFailure);
            informer = created;
            created.start().whenComplete((ignored, failure) -> {
                if (failure == null) {
                    onSynced();
                }
            });
        } catch (KubernetesClientException e) {
            failed(e);
            log.debug("Cluster {}: cannot start the node informer: {}", cluster, lastFailure);
            scheduleRestart();
            return;
        }
        created.stopped().whenComplete((ignored, failure) -> onStopped(created, failure));
    }

    private boolean onInformerFailure(boolean started, Throwable failure) {
        failed(failure);
        log.debug("Cluster {}: node informer failed, retrying: {}", cluster, lastFailure);
        return !closed;
    }

    private synchronized void onSynced() {
        if (closed) {
            return;
        }
        restarts = 0;
        lastFailure = null;
        lastFailureCategory = null;
        lastError = null;
        errorCategory = null;
        notWatchingSince = -1;
        state = InformerState.SYNCED;
        if (firstSync.complete(null)) {
            log.info("Cluster {}: node informer synced {} nodes in {} ms", cluster, store.size(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt));
        } else {
            log.info("Cluster {}: node informer synced again", cluster);
        }
    }

    private synchronized void onStopped(SharedIndexInformer<Node> stopped, Throwable failure) {
        if (closed || stopped != informer) {
            return;
        }
        if (failure != null) {
            failed(failure);
        } else {
            lastFailure = "node informer stopped";
            lastFailureCategory = ErrorCategory.ERROR;
        }
        log.warn("Cluster {}: node informer stopped ({}); restarting", cluster, lastFailure);
        scheduleRestart();
    }

    private void scheduleRestart() {
        long delay = Math.min(MAX_RESTART_DELAY.toMillis(), 1000L << Math.min(restarts, 5));
        restarts++;
        scheduler.schedule(this::launch, delay, TimeUnit.MILLISECONDS);
    }

    private void check() {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        if (!firstSync.isDone()) {
            if (now - startedAt >= syncTimeout.toNanos()) {
                degrade("nodes not synced within " + syncTimeout.toMillis() + " ms", ErrorCategory.TIMEOUT);
            }
            return;
        }
        SharedIndexInformer<Node> current;
        synchronized (this) {
            current = informer;
        }
        if (current != null && current.isWatching()) {
            notWatchingSince = -1;
            if (state == InformerState.DEGRADED) {
                onSynced();
            }
        } else if (notWatchingSince < 0) {
            notWatchingSince = now;
        } else if (now - notWatchingSince >= syncTimeout.toNanos()) {
            degrade("watch on nodes lost for more than " + syncTimeout.toMillis() + " ms, serving the last known nodes",
                    ErrorCategory.UNREACHABLE);
        }
    }

    private void failed(Throwable failure) {
        lastFailureCategory = Fabric8Clients.categorize(failure);
        lastFailure = Fabric8Clients.describe(failure);
    }

    /** Degraded for {@code reason}: the last failure's category when there is one, else {@code category}. */
    private synchronized void degrade(String reason, ErrorCategory category) {
        if (closed) {
            return;
        }
        String failure = lastFailure;
        ErrorCategory failureCategory = lastFailureCategory;
        String error = failure == null ? reason + "; retrying" : reason + "; retrying after: " + failure;
        if (state != InformerState.DEGRADED || !error.equals(lastError)) {
            log.warn("Cluster {}: node informer degraded: {}", cluster, error);
        }
        state = InformerState.DEGRADED;
        lastError = error;
        errorCategory = failure == null || failureCategory == null ? category : failureCategory;
    }
}
