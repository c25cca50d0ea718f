package io.podtally.cache;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store and the events behind a {@link CircuitBreaker}: an outage ({@link StoreUnavailableException}) is counted
 * in the metrics, opens the breaker and is logged at warn once per outage; while the breaker is open, reads fail at
 * once without trying the store. A key error ({@link StoreKeyException}) is counted by kind and logged at warn once
 * per cluster and kind (again after that cluster was read successfully); it leaves the breaker as it is.
 */
final class GuardedStore {

    private static final Logger log = LoggerFactory.getLogger(GuardedStore.class);

    private final PodCountStore store;
    private final PodCountEvents events;
    private final CacheMetrics metrics;
    private final Duration openFor;
    private final CircuitBreaker breaker;
    private final ConcurrentMap<String, Set<StoreKeyException.Kind>> keyErrorsLogged = new ConcurrentHashMap<>();
    private final AtomicBoolean lockDown = new AtomicBoolean();

    GuardedStore(PodCountStore store, PodCountEvents events, CacheMetrics metrics, Duration openFor) {
        this.store = store;
        this.events = events;
        this.metrics = metrics;
        this.openFor = openFor;
        this.breaker = new CircuitBreaker(openFor, System::nanoTime);
    }

    /** Whether the store may be tried now. */
    boolean allows() {
        return breaker.allows();
    }

    /** @throws StoreUnavailableException when the store fails or failed less than the open time ago */
    Optional<PodCountSnapshot> read(String cluster) {
        if (!breaker.allows()) {
            throw new StoreUnavailableException("pod-count store failed less than " + openFor + " ago", null);
        }
        try {
            Optional<PodCountSnapshot> snapshot = store.read(cluster);
            if (breaker.succeeded()) {
                log.info("Pod-count store reachable again");
            }
            if (keyErrorsLogged.remove(cluster) != null) {
                log.info("Pod counts of {} readable again", cluster);
            }
            return snapshot;
        } catch (StoreUnavailableException e) {
            failed("read", e);
            throw e;
        } catch (StoreKeyException e) {
            keyFailed("read", cluster, e);
            throw e;
        }
    }

    /** A {@link PodCountStore#write(String, PodCountSnapshot, Fence) fenced write}. */
    Optional<PodCountStore.WriteResult> write(String cluster, PodCountSnapshot snapshot, Fence fence) {
        try {
            Optional<PodCountStore.WriteResult> result = store.write(cluster, snapshot, fence);
            if (breaker.succeeded()) {
                log.info("Pod-count store reachable again");
            }
            return result;
        } catch (StoreUnavailableException e) {
            failed("write", e);
            throw e;
        } catch (StoreKeyException e) {
            keyFailed("write", cluster, e);
            throw e;
        }
    }

    void setBackoff(String cluster, Instant next, int failures, LastFailure failure) {
        try {
            store.setBackoff(cluster, next, failures, failure);
        } catch (StoreUnavailableException e) {
            failed("backoff", e);
            throw e;
        } catch (StoreKeyException e) {
            keyFailed("backoff", cluster, e);
            throw e;
        }
    }

    void delete(String cluster) {
        try {
            store.delete(cluster);
            breaker.succeeded();
        } catch (StoreUnavailableException e) {
            failed("delete", e);
            throw e;
        } catch (StoreKeyException e) {
            keyFailed("delete", cluster, e);
            throw e;
        }
    }

    /** Publishes the event; when that fails, replicas see the change on their next read. Never throws. */
    void publish(PodCountEvent event) {
        try {
            events.publish(event);
        } catch (StoreUnavailableException e) {
            failed("publish", e);
            log.warn("Change event for {} not published; replicas see the change on their next read",
                    event.cluster());
        } catch (StoreKeyException e) {
            keyFailed("publish", event.cluster(), e);
        }
    }

    /**
     * Records that the lock service could not be reached. It leaves the breaker as it is: reads go through another
     * client (on a Redis Cluster, after a failover, the lock's client can still dial the old master while reads are
     * served), and a store that is really down opens the breaker on its own next read.
     */
    void lockFailed(StoreUnavailableException e) {
        metrics.storeError("lock", CacheMetrics.UNAVAILABLE);
        if (lockDown.compareAndSet(false, true)) {
            log.warn("Refresh lock unreachable ({}): refreshes are skipped until it answers; reads are served",
                    e.getMessage());
        } else {
            log.debug("Refresh lock still unreachable: {}", e.getMessage());
        }
    }

    /** Records that the lock service answered again. */
    void lockAnswered() {
        if (lockDown.compareAndSet(true, false)) {
            log.info("Refresh lock reachable again");
        }
    }

    /** Records a failure of {@code operation} on the store or the lock service beside it. */
    void failed(String operation, StoreUnavailableException e) {
        metrics.storeError(operation, CacheMetrics.UNAVAILABLE);
        if (breaker.failed()) {
            log.warn("Pod-count store unreachable ({}): serving unavailable for at least {}", e.getMessage(), openFor);
        } else {
            log.debug("Pod-count store still unreachable on {}: {}", operation, e.getMessage());
        }
    }

    /** Records that Redis refused {@code operation} on a key of {@code cluster} (or on the lock or channel beside it). */
    void keyFailed(String operation, String cluster, StoreKeyException e) {
        metrics.storeError(operation, e.kind().label());
        if (keyErrorsLogged.computeIfAbsent(cluster, c -> ConcurrentHashMap.newKeySet()).add(e.kind())) {
            log.warn("Redis refuses the {} of the pod counts of {} ({}: {}); that cluster answers unavailable, the "
                    + "others are served", operation, cluster, e.kind().label(), e.getMessage());
        } else {
            log.debug("Redis still refuses the {} of the pod counts of {}: {}", operation, cluster, e.getMessage());
        }
    }
}
