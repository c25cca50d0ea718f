package io.podtally.cache;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
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
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pod-count cache of one replica: reads the shared store, tells the freshness state, and starts
 * at most one background refresh per cluster — one per replica through a local single-flight, one
 * across replicas through the {@link RefreshLock}.
 *
 * <p>Reads never wait for a refresh and never throw for a store failure: when the store cannot be
 * reached (or failed less than {@link PodCountSettings#circuitOpenFor()} ago) they answer
 * {@link FreshnessState#UNAVAILABLE} with the counts this replica last read, if any. When the store refuses one
 * cluster's key ({@link StoreKeyException}) that cluster alone answers {@code unavailable}.
 *
 * <p>Refreshes run on threads started on demand, at most {@link PodCountSettings#refreshThreads()} at once; as a
 * cluster has at most one refresh at a time, a cluster whose API server stalls holds one thread and delays no other
 * cluster while fewer clusters than that refresh at once. Beyond it refreshes wait in a queue of
 * {@link PodCountSettings#refreshQueue()}; further ones are skipped, counted, and logged at most once per minute.
 *
 * <p>A refresh counts only while it holds the cluster's lock: the source asks before each page whether the lock is
 * still held, and the cache asks again before writing; the write itself is fenced on the lock
 * ({@link PodCountStore#write(String, PodCountSnapshot, Fence)}), so a lock lost after that last check still stops
 * it. A refresh that lost its lock writes nothing ({@link RefreshOutcome#LOCK_LOST}).
 *
 * <p>Each read notes in memory when its cluster was asked for; a background task writes these times
 * to the {@link RecentClusters} every {@link PodCountSettings#askedFlushInterval()} (and on
 * {@link #close()}), where they are shared by all replicas and order the {@link #warmUp warm-up}.
 */
public final class RefreshingPodCountCache implements PodCountCache, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RefreshingPodCountCache.class);
    private static final Duration REJECTION_LOG_INTERVAL = Duration.ofMinutes(1);

    private final PodCountSource source;
    private final GuardedStore store;
    private final RefreshLock lock;
    private final PodCountEvents events;
    private final PodCountSettings settings;
    private final Clock clock;
    private final FreshnessPolicy policy;
    private final CacheMetrics metrics;
    private final ConcurrentMap<String, InFlight> inFlight = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, PodCountSnapshot> lastKnown = new ConcurrentHashMap<>();
    private final List<Consumer<PodCountEvent>> listeners = new CopyOnWriteArrayList<>();
    private final AskedTimes askedTimes;
    private final WarmUp warmUp;
    private final ThreadPoolExecutor refreshExecutor;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier nanoTime;
    private final AtomicLong nextRejectionWarning;
    private final AtomicInteger rejectedSinceWarning = new AtomicInteger();

    /**
     * @param source counts the pods of a cluster (called only on refresh threads)
     * @param store the shared store
     * @param recentClusters where the times clusters were asked for are shared; they order the warm-up
     * @param lock the per-cluster refresh lock
     * @param events carries change events between replicas; this cache subscribes to it
     * @param settings freshness, backoff, threads
     * @param registry where the metrics go
     * @param clock the time of record: of freshness decisions, {@code fetchedAt}, {@code endedAt} and the backoff;
     *     with Redis, {@link PodCountBackend#clock()} (the Redis server's time), so that all replicas use one clock
     */
    public RefreshingPodCountCache(
            PodCountSource source,
            PodCountStore store,
            RecentClusters recentClusters,
            RefreshLock lock,
            PodCountEvents events,
            PodCountSettings settings,
            MeterRegistry registry,
            Clock clock) {
        this(source, store, recentClusters, lock, events, settings, registry, clock, System::nanoTime);
    }

    /** As the public constructor, with {@code nanoTime} timing the warnings of rejected refreshes. */
    RefreshingPodCountCache(
            PodCountSource source,
            PodCountStore store,
            RecentClusters recentClusters,
            RefreshLock lock,
            PodCountEvents events,
            PodCountSettings settings,
            MeterRegistry registry,
            Clock clock,
            LongSupplier nanoTime) {
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.nextRejectionWarning = new AtomicLong(nanoTime.getAsLong());
        this.source = Objects.requireNonNull(source, "source");
        this.lock = Objects.requireNonNull(lock, "lock");
        this.events = Objects.requireNonNull(events, "events");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.policy = new FreshnessPolicy(settings, clock);
        this.metrics = new CacheMetrics(Objects.requireNonNull(registry, "registry"));
        this.store = new GuardedStore(Objects.requireNonNull(store, "store"), events, metrics,
                settings.circuitOpenFor());
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
        this.askedTimes = new AskedTimes(Objects.requireNonNull(recentClusters, "recentClusters"), metrics);
        this.warmUp = new WarmUp(scheduler, recentClusters, settings, metrics, this::refreshUnlessFresh);
        events.subscribe(this::onEvent);
        long flushEvery = settings.askedFlushInterval().toMillis();
        scheduler.scheduleWithFixedDelay(askedTimes::flush, flushEvery, flushEvery, TimeUnit.MILLISECONDS);
    }

    /** {@inheritDoc} Notes, in memory only, that the cluster was asked for now. */
    @Override
    public PodCountView read(String cluster) {
        askedTimes.note(cluster, clock.millis());
        return read(cluster, true);
    }

    /** {@inheritDoc} Not counted in the read metrics either: they measure what dashboards were answered. */
    @Override
    public PodCountView peek(String cluster) {
        return read(cluster, false);
    }

    @Override
    public Clock clock() {
        return clock;
    }

    private PodCountView read(String cluster, boolean asked) {
        Optional<PodCountSnapshot> stored;
        try {
            stored = store.read(cluster);
        } catch (StoreUnavailableException | StoreKeyException e) {
            if (asked) {
                metrics.read(cluster, FreshnessState.UNAVAILABLE);
            }
            return unavailableView(cluster);
        }
        PodCountSnapshot snapshot = stored.orElse(null);
        if (snapshot != null && snapshot.hasCounts()) {
            known(cluster, snapshot);
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
     * @throws StoreKeyException when the store refuses the cluster's key
     */
    @Override
    public void invalidate(String cluster) {
        store.delete(cluster);
        lastKnown.remove(cluster);
        log.info("Pod counts of {} invalidated", cluster);
        store.publish(new PodCountEvent(cluster, 0, PodCountEvent.Reason.INVALIDATE));
    }

    /**
     * Deletes the counts of each of {@code clusters} one key at a time, publishing each invalidation, then refreshes
     * them in the background as the {@link #warmUp warm-up} does: in warm-up order, at most
     * {@link PodCountSettings#warmUpMaxClusters()} of them (the others are counted when next asked for), staggered
     * across {@link PodCountSettings#warmUpSpread()}, so the API servers are not all listed at once.
     *
     * @throws StoreUnavailableException when the store cannot be reached (the clusters deleted so far stay deleted,
     *     nothing is refreshed)
     */
    @Override
    public InvalidateAll invalidateAll(Collection<String> clusters) {
        InvalidateAll deleted = PodCountCache.super.invalidateAll(clusters);
        if (!deleted.refused().isEmpty()) {
            // the store's guard logs each key error with its text
            log.warn("Pod counts of {} not invalidated: the store refused their keys", deleted.refused());
        }
        List<String> order = warmUp.orderNow(deleted.invalidated());
        log.info("Pod counts of {} clusters invalidated; refreshing {} of them within {}", deleted.invalidated().size(),
                order.size(), settings.warmUpSpread());
        return new InvalidateAll(deleted.invalidated(), deleted.refused(), order, settings.warmUpSpread(),
                warmUp.stagger(order));
    }

    /**
     * Warms the pod counts of the configured clusters up in the background: the clusters asked for
     * most recently (by {@link RecentClusters#lastAsked()}) first, the others after them in their
     * configured order, at most {@link PodCountSettings#warmUpMaxClusters()} of them. Clusters
     * asked for but not configured are ignored. When the asked-for times cannot be read, the
     * configured order is used.
     *
     * <p>The refreshes are staggered across {@link PodCountSettings#warmUpSpread()} in that order,
     * each at a random point of its share of the spread, and skipped when the cluster is fresh by then
     * (so replicas starting together refresh each cluster once).
     *
     * @param clusters the configured clusters, in their configured order
     * @return the outcome per cluster warmed up, in warm-up order, once every warm-up refresh has ended
     */
    public CompletableFuture<Map<String, RefreshOutcome>> warmUp(Collection<String> clusters) {
        return warmUp.start(clusters);
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
        askedTimes.flush();
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

    /** A refresh, unless the cluster is fresh now (or the store unreachable); for the warm-up. */
    private CompletableFuture<RefreshOutcome> refreshUnlessFresh(String cluster) {
        Optional<PodCountSnapshot> stored;
        try {
            stored = store.read(cluster);
        } catch (StoreUnavailableException | StoreKeyException e) {
            return CompletableFuture.completedFuture(RefreshOutcome.SKIPPED_UNAVAILABLE);
        }
        if (policy.stateOf(stored.orElse(null)) == FreshnessState.FRESH) {
            return CompletableFuture.completedFuture(RefreshOutcome.SKIPPED_FRESH);
        }
        return trigger(cluster, false);
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
            rejected(cluster);
            metrics.refresh(cluster, RefreshOutcome.SKIPPED_BUSY, Duration.ZERO);
            finish(cluster, mine, RefreshOutcome.SKIPPED_BUSY, null);
        }
        return mine.future();
    }

    /** Counts a refresh the executor refused; warns at most once per {@link #REJECTION_LOG_INTERVAL}. */
    private void rejected(String cluster) {
        metrics.refreshRejected(cluster);
        rejectedSinceWarning.incrementAndGet();
        long now = nanoTime.getAsLong();
        long next = nextRejectionWarning.get();
        if (now - next >= 0 && nextRejectionWarning.compareAndSet(next, now + REJECTION_LOG_INTERVAL.toNanos())) {
            log.warn("No refresh thread or queue slot free: the refresh of the pod counts of {} skipped, {} skipped "
                    + "since the last such warning (at most one per {}; podtally.podcounts.refresh-threads)",
                    cluster, rejectedSinceWarning.getAndSet(0), REJECTION_LOG_INTERVAL);
        } else {
            log.debug("No refresh thread or queue slot free for the pod counts of {}; skipped", cluster);
        }
    }

    /** Whether a refresh that ignores freshness and backoff would count where this one did not. */
    private static boolean skippedByFreshness(RefreshOutcome outcome) {
        return outcome == RefreshOutcome.SKIPPED_FRESH || outcome == RefreshOutcome.SKIPPED_BACKOFF
                || outcome == RefreshOutcome.SKIPPED_RECENT || outcome == RefreshOutcome.SUPERSEDED;
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
        if (!store.allows()) {
            return RefreshOutcome.SKIPPED_UNAVAILABLE;
        }
        Optional<RefreshLock.Held> held;
        try {
            held = lock.tryLock(cluster);
        } catch (StoreUnavailableException e) {
            store.lockFailed(e);
            return RefreshOutcome.SKIPPED_UNAVAILABLE;
        } catch (StoreKeyException e) {
            store.keyFailed("lock", cluster, e);
            return RefreshOutcome.SKIPPED_UNAVAILABLE;
        }
        store.lockAnswered();
        metrics.lock(cluster, held.isPresent());
        if (held.isEmpty()) {
            log.debug("Another replica refreshes the pod counts of {}", cluster);
            return RefreshOutcome.SKIPPED_LOCKED;
        }
        try (RefreshLock.Held mine = held.get()) {
            return refreshLocked(cluster, forced, new LockFence(mine));
        } catch (StoreUnavailableException | StoreKeyException e) {
            return RefreshOutcome.SKIPPED_UNAVAILABLE;
        }
    }

    private RefreshOutcome refreshLocked(String cluster, boolean forced, LockFence fence) {
        PodCountSnapshot current = store.read(cluster).orElse(null);
        if (!forced) {
            if (policy.stateOf(current) == FreshnessState.FRESH) {
                return RefreshOutcome.SKIPPED_FRESH;
            }
            if (policy.inBackoff(current)) {
                return RefreshOutcome.SKIPPED_BACKOFF;
            }
            if (policy.listedRecently(current)) {
                return RefreshOutcome.SKIPPED_RECENT;
            }
        }
        int failures = (current == null ? 0 : current.failures()) + 1;
        long deadline = System.nanoTime() + settings.refreshDeadline().toNanos();
        Instant fetchedAt = clock.instant();
        SourceCounts counts;
        try {
            counts = source.count(cluster, fence::keepGoing);
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                return stoppedByShutdown(cluster);
            }
            if (!fence.keepGoing()) {
                return lockLost(cluster);
            }
            Instant next = policy.nextAttemptAfter(failures);
            log.warn("Counting the pods of {} failed (attempt {}); next attempt at {}: {}",
                    cluster, failures, next, e.toString());
            store.setBackoff(cluster, next, failures, new LastFailure(LastFailure.ERROR, clock.instant()));
            return RefreshOutcome.FAILED;
        }
        if (Thread.currentThread().isInterrupted()) {
            return stoppedByShutdown(cluster);
        }
        Instant endedAt = clock.instant();
        Duration took = Duration.between(fetchedAt, endedAt);
        if (took.compareTo(settings.freshFor()) > 0) {
            log.warn("Listing the pods of {} took {} s, longer than fresh-for ({} s): its counts are stale when "
                    + "written, and the next list starts no sooner than fresh-for after this one ended",
                    cluster, took.toSeconds(), settings.freshFor().toSeconds());
        }
        if (!fence.keepGoing()) {
            return lockLost(cluster);
        }
        if (!counts.complete() && counts.countsByNode().isEmpty() && counts.pods() == 0) {
            Instant next = policy.nextAttemptAfter(failures);
            log.warn("Counting the pods of {} delivered nothing (attempt {}); next attempt at {}: {}",
                    cluster, failures, next, counts.failure());
            store.setBackoff(cluster, next, failures, new LastFailure(counts.failureCategory(), endedAt));
            return RefreshOutcome.FAILED;
        }
        Instant next = policy.nextAttemptAfter(failures, endedAt);
        if (counts.complete()) {
            PodCountSnapshot snapshot = PodCountSnapshot.of(counts, fetchedAt, endedAt, settings, null, 0);
            PodCountStore.WriteResult result = writeWithRetries(cluster, snapshot, deadline, fence);
            if (result == null) {
                return fence.keepGoing() ? writeFailed(cluster, next, failures) : lockLost(cluster);
            }
            return written(cluster, snapshot, result);
        }
        PodCountStore.WriteResult result = writeWithRetries(
                cluster, PodCountSnapshot.of(counts, fetchedAt, endedAt, settings, next, failures), deadline, fence);
        if (result == null) {
            return fence.keepGoing() ? writeFailed(cluster, next, failures) : lockLost(cluster);
        }
        if (result.accepted()) {
            log.warn("Pod counts of {} are partial ({} pods on {} pages: {}); next attempt at {}",
                    cluster, counts.pods(), counts.pages(), counts.failure(), next);
            store.publish(new PodCountEvent(cluster, result.generation(), PodCountEvent.Reason.WRITE));
        } else {
            log.warn("Partial pod counts of {} ({} pods on {} pages: {}) kept out in favour of the stored ones, "
                    + "complete or covering more; next attempt at {}",
                    cluster, counts.pods(), counts.pages(), counts.failure(), next);
            store.setBackoff(cluster, next, failures, new LastFailure(counts.failureCategory(), endedAt));
        }
        return RefreshOutcome.PARTIAL;
    }

    /**
     * Writes the snapshot fenced on the refresh's lock, retrying a store failure up to
     * {@link PodCountSettings#writeAttempts()} times with a doubling wait, never past {@code deadline}
     * ({@link System#nanoTime()}), and only while the refresh still holds its lock. Returns {@code null} when no
     * attempt succeeded (logged once), the lock was lost (found by the store, or between attempts), or a shutdown
     * interrupted the retries.
     */
    private PodCountStore.WriteResult writeWithRetries(String cluster, PodCountSnapshot snapshot, long deadline,
            LockFence fence) {
        Duration delay = settings.writeRetryDelay();
        for (int attempt = 1; ; attempt++) {
            if (attempt > 1 && !fence.keepGoing()) {
                return null;
            }
            try {
                return fence.write(store, cluster, snapshot).orElse(null);
            } catch (StoreUnavailableException e) {
                if (Thread.currentThread().isInterrupted()) {
                    return null;
                }
                if (attempt >= settings.writeAttempts() || System.nanoTime() + delay.toNanos() - deadline > 0) {
                    log.warn("Pod counts of {} ({} pods) not written: the store failed on {} attempts within the "
                            + "refresh deadline ({})", cluster, snapshot.pods(), attempt, e.getMessage());
                    return null;
                }
                log.debug("Writing the pod counts of {} failed (attempt {}); retrying in {} ms: {}",
                        cluster, attempt, delay.toMillis(), e.getMessage());
                metrics.writeRetry(cluster);
                try {
                    TimeUnit.NANOSECONDS.sleep(delay.toNanos());
                } catch (InterruptedException interrupted) {
                    // close() stops the refresh: the caller sees the flag and reports it stopped.
                    Thread.currentThread().interrupt();
                    return null;
                }
                delay = delay.multipliedBy(2);
            }
        }
    }

    /** A count whose every write failed: its backoff is recorded if the store answers again by now. */
    private RefreshOutcome writeFailed(String cluster, Instant next, int failures) {
        if (Thread.currentThread().isInterrupted()) {
            return stoppedByShutdown(cluster);
        }
        try {
            store.setBackoff(cluster, next, failures, new LastFailure(LastFailure.STORE, clock.instant()));
        } catch (StoreUnavailableException e) {
            log.debug("Backoff of {} not recorded either: {}", cluster, e.getMessage());
        }
        return RefreshOutcome.WRITE_FAILED;
    }

    /**
     * A refresh interrupted by {@link #close()}: what it counted is not a failure of the cluster (no backoff), and
     * the store refuses an interrupted caller anyway (which must not open the circuit breaker).
     */
    private static RefreshOutcome stoppedByShutdown(String cluster) {
        log.info("Counting the pods of {} stopped by shutdown; nothing written", cluster);
        return RefreshOutcome.STOPPED;
    }

    /**
     * A refresh whose lock vanished while it counted: another replica may hold the lock and count now, so what this
     * one counted is not written, nor is a backoff.
     */
    private static RefreshOutcome lockLost(String cluster) {
        log.warn("The refresh lock of {} was lost while counting (Redis restarted or failed over, or this replica "
                + "paused beyond the lock watchdog); counting stopped, nothing written", cluster);
        return RefreshOutcome.LOCK_LOST;
    }

    private RefreshOutcome written(String cluster, PodCountSnapshot snapshot, PodCountStore.WriteResult result) {
        if (!result.accepted()) {
            log.info("Pod counts of {} not written: newer counts were stored meanwhile", cluster);
            return RefreshOutcome.SUPERSEDED;
        }
        log.debug("Pod counts of {} written: {} pods on {} nodes, generation {}",
                cluster, snapshot.pods(), snapshot.counts().size(), result.generation());
        known(cluster, snapshot.withGeneration(result.generation()));
        store.publish(new PodCountEvent(cluster, result.generation(), PodCountEvent.Reason.WRITE));
        return RefreshOutcome.COMPLETE;
    }

    /** Keeps the counts this replica last saw of {@code cluster}: served while the store is down, and aged. */
    private void known(String cluster, PodCountSnapshot snapshot) {
        lastKnown.put(cluster, snapshot);
        metrics.trackAge(cluster, this::ageSeconds);
    }

    /** The age in seconds of the counts last seen of {@code cluster}, {@code NaN} when none. */
    private double ageSeconds(String cluster) {
        PodCountSnapshot known = lastKnown.get(cluster);
        return known == null ? Double.NaN : Math.max(0, clock.millis() - known.fetchedAt().toEpochMilli()) / 1000.0;
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
            return new PodCountView(cluster, state, null, null, null, null, null, 0, null,
                    snapshot == null ? null : snapshot.lastFailure());
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
                snapshot.generation(),
                snapshot.nodeUids(),
                snapshot.lastFailure());
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

    /**
     * Tells a refresh whether it still holds its lock, and writes fenced on it; once lost, lost for good (no further
     * round trip).
     */
    private static final class LockFence {

        private final RefreshLock.Held held;
        private boolean lost;

        LockFence(RefreshLock.Held held) {
            this.held = held;
        }

        boolean keepGoing() {
            if (!lost && !held.stillHeld()) {
                lost = true;
            }
            return !lost;
        }

        /** The store's answer, or empty when the store found the lock no longer this holder's (nothing written). */
        Optional<PodCountStore.WriteResult> write(GuardedStore store, String cluster, PodCountSnapshot snapshot) {
            Optional<PodCountStore.WriteResult> result = store.write(cluster, snapshot, held.fence());
            if (result.isEmpty()) {
                lost = true;
            }
            return result;
        }
    }
}
