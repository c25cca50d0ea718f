package io.podtally.cache;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pod-count cache of one replica: reads the shared store, tells the freshness state, and starts
 * at most one background refresh per cluster — one per replica through a local single-flight, one
 * across replicas through the {@link RefreshLock}.
 *
 * <p>Reads never wait for a refresh and never throw for a store failure: when the store cannot be
 * reached (or failed less than {@link PodCountSettings#circuitOpenFor()} ago) they answer
 * {@link FreshnessState#UNAVAILABLE} with the counts this replica last read, if any.
 *
 * <p>Each read notes in memory when its cluster was asked for; a background task writes these times
 * to the store every {@link PodCountSettings#askedFlushInterval()} (and on {@link #close()}), where
 * they are shared by all replicas and order the {@link #warmUp warm-up}.
 */
public final class RefreshingPodCountCache implements PodCountCache, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RefreshingPodCountCache.class);

    private final PodCountSource source;
    private final PodCountStore store;
    private final RefreshLock lock;
    private final PodCountEvents events;
    private final PodCountSettings settings;
    private final Clock clock;
    private final FreshnessPolicy policy;
    private final CacheMetrics metrics;
    private final CircuitBreaker breaker;
    private final ConcurrentMap<String, InFlight> inFlight = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, PodCountSnapshot> lastKnown = new ConcurrentHashMap<>();
    private final List<Consumer<PodCountEvent>> listeners = new CopyOnWriteArrayList<>();
    private final ConcurrentMap<String, Long> askedSinceFlush = new ConcurrentHashMap<>();
    private final AtomicBoolean askedFlushFailing = new AtomicBoolean();
    private final ThreadPoolExecutor refreshExecutor;
    private final ScheduledExecutorService scheduler;

    /**
     * @param source counts the pods of a cluster (called only on refresh threads)
     * @param store the shared store
     * @param lock the per-cluster refresh lock
     * @param events carries change events between replicas; this cache subscribes to it
     * @param settings freshness, backoff, threads
     * @param registry where the metrics go
     * @param clock the time of freshness decisions and of {@code fetchedAt}
     */
    public RefreshingPodCountCache(
            PodCountSource source,
            PodCountStore store,
            RefreshLock lock,
            PodCountEvents events,
            PodCountSettings settings,
            MeterRegistry registry,
            Clock clock) {
        this.source = Objects.requireNonNull(source, "source");
        this.store = Objects.requireNonNull(store, "store");
        this.lock = Objects.requireNonNull(lock, "lock");
        this.events = Objects.requireNonNull(events, "events");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.policy = new FreshnessPolicy(settings, clock);
        this.metrics = new CacheMetrics(Objects.requireNonNull(registry, "registry"));
        this.breaker = new CircuitBreaker(settings.circuitOpenFor(), System::nanoTime);
        this.refreshExecutor = new ThreadPoolExecutor(
                settings.refreshThreads(),
                settings.refreshThreads(),
                30,
                TimeUnit.SECONDS,
                settings.refreshQueue() == 0
                        ? new SynchronousQueue<>()
                        : new ArrayBlockingQueue<>(settings.refreshQueue()),
                daemonThreads("podtally-refresh-"),
                new ThreadPoolExecutor.AbortPolicy());
        this.refreshExecutor.allowCoreThreadTimeOut(true);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemonThreads("podtally-podcounts-"));
        events.subscribe(this::onEvent);
        long flushEvery = settings.askedFlushInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::flushAsked, flushEvery, flushEvery, TimeUnit.MILLISECONDS);
    }

    /** {@inheritDoc} Notes, in memory only, that the cluster was asked for now. */
    @Override
    public PodCountView read(String cluster) {
        askedSinceFlush.merge(cluster, clock.millis(), Math::max);
        return read(cluster, true);
    }

    /** {@inheritDoc} Not counted in the read metrics either: they measure what dashboards were answered. */
    @Override
    public PodCountView peek(String cluster) {
        return read(cluster, false);
    }

    private PodCountView read(String cluster, boolean asked) {
        Optional<PodCountSnapshot> stored;
        try {
            stored = readStore(cluster, "read");
        } catch (StoreUnavailableException e) {
            if (asked) {
                metrics.read(cluster, FreshnessState.UNAVAILABLE);
            }
            return unavailableView(cluster);
        }
        PodCountSnapshot snapshot = stored.orElse(null);
        if (snapshot != null && snapshot.hasCounts()) {
            lastKnown.put(cluster, snapshot);
        } else {
            lastKnown.remove(cluster);
        }
        FreshnessState state = policy.stateOf(snapshot);
        if (asked) {
            metrics.read(cluster, state);
            if (policy.refreshDue(snapshot, state)) {
                log.debug("Pod counts of {} are {}; starting a refresh", cluster, state.label());
                trigger(cluster, false);
            }
        }
        return view(cluster, state, snapshot);
    }

    @Override
    public CompletableFuture<RefreshOutcome> refresh(String cluster) {
        return trigger(cluster, true);
    }

    /**
     * Deletes the cluster's counts and publishes the invalidation.
     *
     * @throws StoreUnavailableException when the store cannot be reached
     */
    @Override
    public void invalidate(String cluster) {
        try {
            store.delete(cluster);
            breaker.succeeded();
        } catch (StoreUnavailableException e) {
            storeFailed("delete", e);
            throw e;
        }
        lastKnown.remove(cluster);
        log.info("Pod counts of {} invalidated", cluster);
        publish(new PodCountEvent(cluster, 0, PodCountEvent.Reason.INVALIDATE));
    }

    /**
     * Warms the pod counts of the configured clusters up in the background: the clusters asked for
     * most recently (by the store's {@link PodCountStore#lastAsked()}) first, the others after them in
     * their configured order, at most {@link PodCountSettings#warmupMaxClusters()} of them. Clusters
     * asked for but not configured are ignored. When the asked-for times cannot be read, the
     * configured order is used.
     *
     * <p>The refreshes are staggered across {@link PodCountSettings#warmupSpread()} in that order,
     * each at a random point of its share of the spread, and skipped when the cluster is fresh by then
     * (so replicas starting together refresh each cluster once).
     *
     * @param clusters the configured clusters, in their configured order
     * @return the outcome per cluster warmed up, in warm-up order, once every warm-up refresh has ended
     */
    public CompletableFuture<Map<String, RefreshOutcome>> warmUp(Collection<String> clusters) {
        List<String> configured = List.copyOf(new LinkedHashSet<>(clusters));
        CompletableFuture<Map<String, RefreshOutcome>> done = new CompletableFuture<>();
        try {
            scheduler.execute(() -> {
                try {
                    startWarmUp(configured).whenComplete((outcomes, failure) -> {
                        if (failure != null) {
                            done.completeExceptionally(failure);
                        } else {
                            done.complete(outcomes);
                        }
                    });
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            Map<String, RefreshOutcome> busy = new LinkedHashMap<>();
            configured.stream().limit(settings.warmupMaxClusters())
                    .forEach(cluster -> busy.put(cluster, RefreshOutcome.SKIPPED_BUSY));
            done.complete(busy);
        }
        return done;
    }

    /**
     * The warm-up order: the configured clusters found in {@code lastAsked}, the most recently asked
     * for first (configured order among equal times), then the other configured clusters in their
     * configured order; the first {@code max} of them.
     */
    static List<String> warmUpOrder(List<String> configured, Map<String, Instant> lastAsked, int max) {
        Stream<String> asked = configured.stream()
                .filter(lastAsked::containsKey)
                .sorted(Comparator.comparing((String cluster) -> lastAsked.get(cluster)).reversed());
        Stream<String> others = configured.stream().filter(cluster -> !lastAsked.containsKey(cluster));
        return Stream.concat(asked, others).limit(max).toList();
    }

    /** Registers a listener for the change events of every replica. */
    public void addListener(Consumer<PodCountEvent> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Refreshes started or queued in this replica and not yet ended. */
    public int refreshesInFlight() {
        return inFlight.size();
    }

    /**
     * Writes the asked-for times not written yet, then stops the refresh threads (running refreshes are
     * interrupted) and the event subscription.
     */
    @Override
    public void close() {
        scheduler.shutdownNow();
        flushAsked();
        refreshExecutor.shutdownNow();
        try {
            if (!refreshExecutor.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("Pod-count refreshes still running after shutdown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        events.close();
    }

    private CompletableFuture<Map<String, RefreshOutcome>> startWarmUp(List<String> configured) {
        Map<String, Instant> lastAsked = lastAsked();
        List<String> order = warmUpOrder(configured, lastAsked, settings.warmupMaxClusters());
        Map<String, CompletableFuture<RefreshOutcome>> outcomes = new LinkedHashMap<>();
        double share = order.isEmpty() ? 0 : (double) settings.warmupSpread().toMillis() / order.size();
        for (int i = 0; i < order.size(); i++) {
            String cluster = order.get(i);
            CompletableFuture<RefreshOutcome> outcome = new CompletableFuture<>();
            outcomes.put(cluster, outcome);
            long delay = (long) (share * (i + ThreadLocalRandom.current().nextDouble()));
            try {
                scheduler.schedule(() -> warmUpOne(cluster, outcome), delay, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                outcome.complete(RefreshOutcome.SKIPPED_BUSY);
            }
        }
        long recent = order.stream().filter(lastAsked::containsKey).count();
        log.info("Warming up the pod counts of {} of {} configured clusters within {}, the {} asked for recently first",
                order.size(), configured.size(), settings.warmupSpread(), recent);
        return CompletableFuture.allOf(outcomes.values().toArray(CompletableFuture[]::new))
                .thenApply(ignored -> {
                    Map<String, RefreshOutcome> result = new LinkedHashMap<>();
                    outcomes.forEach((cluster, outcome) -> result.put(cluster, outcome.join()));
                    return result;
                });
    }

    /** When each cluster was last asked for, as far as the store knows; empty when it cannot be read. */
    private Map<String, Instant> lastAsked() {
        try {
            return store.lastAsked();
        } catch (StoreUnavailableException e) {
            metrics.storeError("last-asked");
            log.warn("Which clusters were asked for recently could not be read ({}); warming up in configured order",
                    e.getMessage());
            return Map.of();
        }
    }

    /**
     * Writes the times clusters were asked for since the last flush to the store. When the store
     * fails they are kept for the next flush (newer asks of a cluster replace its kept time), and the
     * failure is logged once until a flush succeeds again. Never throws: it runs as a periodic task.
     */
    private void flushAsked() {
        if (askedSinceFlush.isEmpty()) {
            return;
        }
        Map<String, Long> batch = Map.copyOf(askedSinceFlush);
        Map<String, Instant> askedAt = new HashMap<>();
        batch.forEach((cluster, millis) -> askedAt.put(cluster, Instant.ofEpochMilli(millis)));
        try {
            store.recordAsked(askedAt);
        } catch (RuntimeException e) {
            if (e instanceof StoreUnavailableException) {
                metrics.storeError("record-asked");
            }
            if (askedFlushFailing.compareAndSet(false, true)) {
                log.warn("Could not write when {} clusters were last asked for ({}); kept for the next flush",
                        askedAt.size(), e.toString());
            } else {
                log.debug("Still cannot write when clusters were last asked for: {}", e.toString());
            }
            return;
        }
        batch.forEach(askedSinceFlush::remove);
        if (askedFlushFailing.compareAndSet(true, false)) {
            log.info("When clusters were last asked for is written again");
        }
    }

    private void warmUpOne(String cluster, CompletableFuture<RefreshOutcome> outcome) {
        Optional<PodCountSnapshot> stored;
        try {
            stored = readStore(cluster, "read");
        } catch (StoreUnavailableException e) {
            outcome.complete(RefreshOutcome.SKIPPED_UNAVAILABLE);
            return;
        }
        if (policy.stateOf(stored.orElse(null)) == FreshnessState.FRESH) {
            outcome.complete(RefreshOutcome.SKIPPED_FRESH);
            return;
        }
        trigger(cluster, false).whenComplete((result, failure) -> {
            if (failure != null) {
                outcome.completeExceptionally(failure);
            } else {
                outcome.complete(result);
            }
        });
    }

    private CompletableFuture<RefreshOutcome> trigger(String cluster, boolean forced) {
        InFlight mine = new InFlight(forced, new CompletableFuture<>());
        InFlight existing = inFlight.putIfAbsent(cluster, mine);
        if (existing != null) {
            if (forced && !existing.forced()) {
                return existing.future().thenCompose(outcome -> skippedByFreshness(outcome)
                        ? refresh(cluster)
                        : CompletableFuture.completedFuture(outcome));
            }
            return existing.future();
        }
        try {
            refreshExecutor.execute(() -> runRefresh(cluster, mine));
        } catch (RejectedExecutionException e) {
            log.warn("No refresh thread or queue slot free for the pod counts of {}; skipped", cluster);
            metrics.refresh(cluster, RefreshOutcome.SKIPPED_BUSY, Duration.ZERO);
            finish(cluster, mine, RefreshOutcome.SKIPPED_BUSY, null);
        }
        return mine.future();
    }

    private static boolean skippedByFreshness(RefreshOutcome outcome) {
        return outcome == RefreshOutcome.SKIPPED_FRESH || outcome == RefreshOutcome.SKIPPED_BACKOFF;
    }

    private void runRefresh(String cluster, InFlight mine) {
        long started = System.nanoTime();
        metrics.refreshStarted();
        RefreshOutcome outcome = null;
        Throwable failure = null;
        try {
            outcome = refreshUnderLock(cluster, mine.forced());
        } catch (RuntimeException | Error e) {
            failure = e;
        } finally {
            metrics.refreshEnded();
            if (outcome != null) {
                metrics.refresh(cluster, outcome, Duration.ofNanos(System.nanoTime() - started));
            }
            finish(cluster, mine, outcome, failure);
        }
    }

    private void finish(String cluster, InFlight mine, RefreshOutcome outcome, Throwable failure) {
        inFlight.remove(cluster, mine);
        if (failure != null) {
            log.error("Refresh of the pod counts of {} failed unexpectedly", cluster, failure);
            mine.future().completeExceptionally(failure);
        } else {
            mine.future().complete(outcome);
        }
    }

    private RefreshOutcome refreshUnderLock(String cluster, boolean forced) {
        if (!breaker.allows()) {
            return RefreshOutcome.SKIPPED_UNAVAILABLE;
        }
        Optional<RefreshLock.Held> held;
        try {
            held = lock.tryLock(cluster);
        } catch (StoreUnavailableException e) {
            storeFailed("lock", e);
            return RefreshOutcome.SKIPPED_UNAVAILABLE;
        }
        metrics.lock(cluster, held.isPresent());
        if (held.isEmpty()) {
            log.debug("Another replica refreshes the pod counts of {}", cluster);
            return RefreshOutcome.SKIPPED_LOCKED;
        }
        try (RefreshLock.Held ignored = held.get()) {
            return refreshLocked(cluster, forced);
        } catch (StoreUnavailableException e) {
            return RefreshOutcome.SKIPPED_UNAVAILABLE;
        }
    }

    private RefreshOutcome refreshLocked(String cluster, boolean forced) {
        PodCountSnapshot current = readStore(cluster, "read").orElse(null);
        if (!forced) {
            if (policy.stateOf(current) == FreshnessState.FRESH) {
                return RefreshOutcome.SKIPPED_FRESH;
            }
            if (policy.inBackoff(current)) {
                return RefreshOutcome.SKIPPED_BACKOFF;
            }
        }
        int failures = (current == null ? 0 : current.failures()) + 1;
        Instant fetchedAt = clock.instant();
        SourceCounts counts;
        try {
            counts = source.count(cluster);
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                return stoppedByShutdown(cluster);
            }
            Instant next = policy.nextAttemptAfter(failures);
            log.warn("Counting the pods of {} failed (attempt {}); next attempt at {}: {}",
                    cluster, failures, next, e.toString());
            backoff(cluster, next, failures);
            return RefreshOutcome.FAILED;
        }
        if (Thread.currentThread().isInterrupted()) {
            return stoppedByShutdown(cluster);
        }
        if (!counts.complete() && counts.countsByNode().isEmpty() && counts.pods() == 0) {
            Instant next = policy.nextAttemptAfter(failures);
            log.warn("Counting the pods of {} delivered nothing (attempt {}); next attempt at {}: {}",
                    cluster, failures, next, counts.failure());
            backoff(cluster, next, failures);
            return RefreshOutcome.FAILED;
        }
        if (counts.complete()) {
            return writeComplete(cluster, PodCountSnapshot.of(counts, fetchedAt, settings, null, 0));
        }
        Instant next = policy.nextAttemptAfter(failures);
        PodCountStore.WriteResult result =
                write(cluster, PodCountSnapshot.of(counts, fetchedAt, settings, next, failures));
        if (result.accepted()) {
            log.warn("Pod counts of {} are partial ({} pods on {} pages: {}); next attempt at {}",
                    cluster, counts.pods(), counts.pages(), counts.failure(), next);
            publish(new PodCountEvent(cluster, result.generation(), PodCountEvent.Reason.WRITE));
        } else {
            log.warn("Partial pod counts of {} kept out in favour of the complete ones ({}); next attempt at {}",
                    cluster, counts.failure(), next);
            backoff(cluster, next, failures);
        }
        return RefreshOutcome.PARTIAL;
    }

    /**
     * A refresh interrupted by {@link #close()}: what it counted is not a failure of the cluster (no backoff), and
     * the store refuses an interrupted caller anyway (which must not open the circuit breaker).
     */
    private static RefreshOutcome stoppedByShutdown(String cluster) {
        log.info("Counting the pods of {} stopped by shutdown; nothing written", cluster);
        return RefreshOutcome.FAILED;
    }

    private RefreshOutcome writeComplete(String cluster, PodCountSnapshot snapshot) {
        PodCountStore.WriteResult result = write(cluster, snapshot);
        if (!result.accepted()) {
            log.info("Pod counts of {} not written: newer counts were stored meanwhile", cluster);
            return RefreshOutcome.SKIPPED_FRESH;
        }
        log.debug("Pod counts of {} written: {} pods on {} nodes, generation {}",
                cluster, snapshot.pods(), snapshot.counts().size(), result.generation());
        publish(new PodCountEvent(cluster, result.generation(), PodCountEvent.Reason.WRITE));
        return RefreshOutcome.COMPLETE;
    }

    private Optional<PodCountSnapshot> readStore(String cluster, String operation) {
        if (!breaker.allows()) {
            throw new StoreUnavailableException("pod-count store failed less than "
                    + settings.circuitOpenFor() + " ago", null);
        }
        try {
            Optional<PodCountSnapshot> snapshot = store.read(cluster);
            if (breaker.succeeded()) {
                log.info("Pod-count store reachable again");
            }
            return snapshot;
        } catch (StoreUnavailableException e) {
            storeFailed(operation, e);
            throw e;
        }
    }

    private PodCountStore.WriteResult write(String cluster, PodCountSnapshot snapshot) {
        try {
            return store.write(cluster, snapshot);
        } catch (StoreUnavailableException e) {
            storeFailed("write", e);
            throw e;
        }
    }

    private void backoff(String cluster, Instant next, int failures) {
        try {
            store.setBackoff(cluster, next, failures);
        } catch (StoreUnavailableException e) {
            storeFailed("backoff", e);
            throw e;
        }
    }

    private void publish(PodCountEvent event) {
        try {
            events.publish(event);
        } catch (StoreUnavailableException e) {
            storeFailed("publish", e);
            log.warn("Change event for {} not published; replicas see the change on their next read",
                    event.cluster());
        }
    }

    private void storeFailed(String operation, StoreUnavailableException e) {
        metrics.storeError(operation);
        if (breaker.failed()) {
            log.warn("Pod-count store unreachable ({}): serving unavailable for at least {}",
                    e.getMessage(), settings.circuitOpenFor());
        } else {
            log.debug("Pod-count store still unreachable on {}: {}", operation, e.getMessage());
        }
    }

    private void onEvent(PodCountEvent event) {
        if (event.reason() == PodCountEvent.Reason.INVALIDATE) {
            lastKnown.remove(event.cluster());
        }
        Listeners.deliver(listeners, event, log);
    }

    private PodCountView unavailableView(String cluster) {
        PodCountSnapshot known = lastKnown.get(cluster);
        if (known == null) {
            return new PodCountView(cluster, FreshnessState.UNAVAILABLE, null, null, null, null, null, 0);
        }
        return withState(cluster, FreshnessState.UNAVAILABLE, known);
    }

    private PodCountView view(String cluster, FreshnessState state, PodCountSnapshot snapshot) {
        if (snapshot == null || !snapshot.hasCounts()) {
            return new PodCountView(cluster, state, null, null, null, null, null, 0);
        }
        return withState(cluster, state, snapshot);
    }

    private PodCountView withState(String cluster, FreshnessState state, PodCountSnapshot snapshot) {
        return new PodCountView(
                cluster,
                state,
                snapshot.counts(),
                snapshot.fetchedAt(),
                policy.ageOf(snapshot).toSeconds(),
                snapshot.complete(),
                snapshot.source(),
                snapshot.generation());
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger next = new AtomicInteger(1);
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + next.getAndIncrement());
            thread.setDaemon(true);
            return thread;
        };
    }

    private record InFlight(boolean forced, CompletableFuture<RefreshOutcome> future) {}
}
