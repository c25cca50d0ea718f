package io.podtally.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watch mode in one replica: takes the watch leases of its share of the clusters, runs a {@link PodCountWatch} for
 * each lease it holds and writes that cluster's counts to the store ({@code source} {@code informer}).
 *
 * <p>Every {@link WatchSettings#flush()} it announces the replica, and for each lease it holds checks that it still
 * holds it, that the hash was not deleted (then the watch lists again from
 * scratch), and writes the counts when they changed, or as a heartbeat every third of {@code fresh-for} while the
 * watch is healthy, so the counts stay fresh. Each write goes through {@link WatchLease.Held#write}, which refuses it
 * in the same atomic step when the lease is no longer this replica's (fencing); so does the publication of the
 * holder ({@link WatchLease.Held#describe}). When the store fails it drops its leases and stops writing. An
 * {@code invalidate} or {@code relist} event makes the holder list again.
 *
 * <p>Balance: with C clusters and R replicas alive, a replica takes free leases while it holds fewer than ⌈C/R⌉. A
 * replica up for {@link WatchSettings#balanceAfter()}, with S replicas up that long, gives up those beyond ⌈C/S⌉+1
 * (newest first, down to ⌈C/S⌉), so once every replica has been up that long none holds more than ⌈C/R⌉+1; the counts
 * stay fresh across the hand-over, as their freshness was renewed. A replica that stops leaves the registry, so the
 * others take its leases at once.
 *
 * <p>Nothing waits for a watch: the leases are taken and the lists run in the background.
 */
public final class WatchCoordinator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WatchCoordinator.class);
    static final String SOURCE = "informer";

    private final List<String> clusters;
    private final WatchLease lease;
    private final ReplicaRegistry replicas;
    private final PodCountWatches watches;
    private final PodCountStore store;
    private final PodCountEvents events;
    private final PodCountSettings settings;
    private final WatchSettings watchSettings;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final Map<String, Holding> holdings = new ConcurrentHashMap<>();
    private final Map<String, Instant> cooldown = new ConcurrentHashMap<>();
    private final Set<String> relistAsked = ConcurrentHashMap.newKeySet();
    private final Counter watchEvents;
    private final Counter relists;
    private final Counter writes;
    private final Timer writeLag;
    private volatile ReplicaRegistry.Replicas live = new ReplicaRegistry.Replicas(1, 0, false);

    /**
     * @param clusters the configured clusters
     * @param lease the per-cluster watch lease
     * @param replicas where replicas announce themselves
     * @param watches opens a cluster's watch
     * @param store where the counts are written
     * @param events where writes are published and invalidations heard
     * @param settings freshness (the heartbeat is every third of {@code fresh-for}) and backoff
     * @param watchSettings flush interval, replica id and heartbeat
     * @param registry where the metrics go
     * @param clock the time of {@code fetchedAt}
     */
    public WatchCoordinator(Collection<String> clusters, WatchLease lease, ReplicaRegistry replicas,
            PodCountWatches watches, PodCountStore store, PodCountEvents events, PodCountSettings settings,
            WatchSettings watchSettings, MeterRegistry registry, Clock clock) {
        this.clusters = List.copyOf(clusters);
        this.lease = Objects.requireNonNull(lease, "lease");
        this.replicas = Objects.requireNonNull(replicas, "replicas");
        this.watches = Objects.requireNonNull(watches, "watches");
        this.store = Objects.requireNonNull(store, "store");
        this.events = Objects.requireNonNull(events, "events");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.watchSettings = Objects.requireNonNull(watchSettings, "watchSettings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "podtally-watch-leases");
            thread.setDaemon(true);
            return thread;
        });
        Gauge.builder("podtally.watch.leases", holdings, Map::size)
                .description("Watch leases this replica holds").tag("replica", watchSettings.replica())
                .register(registry);
        this.watchEvents = Counter.builder("podtally.watch.events")
                .description("Watch events applied by the watches this replica runs").register(registry);
        this.relists = Counter.builder("podtally.watch.relists")
                .description("Lists asked of a running watch (invalidation, operator, deleted hash)").register(registry);
        this.writes = Counter.builder("podtally.watch.writes")
                .description("Counts written by this replica's watches").register(registry);
        this.writeLag = Timer.builder("podtally.watch.write.lag")
                .description("From a watch's change of the counts to their write").register(registry);
        events.subscribe(this::onEvent);
    }

    /** Starts taking leases in the background. */
    public void start() {
        long every = watchSettings.flush().toMillis();
        scheduler.scheduleWithFixedDelay(this::tick, 0, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Asks the holder of the cluster's lease, whichever replica it is, to list again.
     *
     * @return whether a replica holds the lease (else nothing was asked)
     * @throws StoreUnavailableException when the store cannot be reached
     */
    public boolean requestRelist(String cluster) {
        if (!lease.isHeld(cluster)) {
            return false;
        }
        events.publish(new PodCountEvent(cluster, 0, PodCountEvent.Reason.RELIST));
        return true;
    }

    /** Who holds the cluster's lease, if anyone. */
    public Optional<WatchLease.Holder> holder(String cluster) {
        return lease.holder(cluster);
    }

    /** The clusters whose lease this replica holds. */
    public Set<String> held() {
        return Set.copyOf(holdings.keySet());
    }

    /** This replica's id. */
    public String replica() {
        return watchSettings.replica();
    }

    private void onEvent(PodCountEvent event) {
        if (event.reason() == PodCountEvent.Reason.INVALIDATE || event.reason() == PodCountEvent.Reason.RELIST) {
            if (holdings.containsKey(event.cluster())) {
                relistAsked.add(event.cluster());
                scheduler.execute(this::tick);
            }
        }
    }

    private synchronized void tick() {
        try {
            ReplicaRegistry.Replicas now = replicas.heartbeat(watchSettings.replica(), watchSettings.replicaTtl(),
                    watchSettings.balanceAfter());
            if (now.alive() != live.alive()) {
                cooldown.clear();
            }
            live = now;
        } catch (StoreUnavailableException e) {
            dropAll("the store cannot be reached: " + e.getMessage());
            return;
        } catch (RuntimeException e) {
            log.error("Announcing replica {} failed", watchSettings.replica(), e);
            return;
        }
        for (Holding holding : List.copyOf(holdings.values())) {
            try {
                flush(holding);
            } catch (StoreUnavailableException e) {
                dropAll("the store cannot be reached: " + e.getMessage());
                return;
            } catch (RuntimeException e) {
                log.error("Writing the watched counts of {} failed", holding.cluster, e);
            }
        }
        try {
            balance();
        } catch (StoreUnavailableException e) {
            dropAll("the store cannot be reached: " + e.getMessage());
        }
    }

    private void flush(Holding holding) {
        String cluster = holding.cluster;
        if (!holding.held.stillHeld()) {
            log.warn("The watch lease of {} lapsed; this replica stops watching it", cluster);
            drop(holding, false);
            return;
        }
        PodCountWatch.Status status = holding.watch.status();
        if (status.events() > holding.eventsCounted) {
            watchEvents.increment(status.events() - holding.eventsCounted);
            holding.eventsCounted = status.events();
        }
        if (relistAsked.remove(cluster) || holding.written && store.read(cluster).isEmpty()) {
            log.info("Pod counts of {} invalidated or a recount asked; the watch lists again", cluster);
            holding.watch.relist();
            holding.relistAfter = status.lists();
            holding.written = false;
            relists.increment();
            describe(holding, "relisting");
            return;
        }
        if (holding.relistAfter >= 0) {
            if (status.lists() <= holding.relistAfter || !status.watching() && !"backing-off".equals(status.state())) {
                describe(holding, status.state());
                return;
            }
            holding.relistAfter = -1;
        }
        SourceCounts counts = holding.watch.counts();
        Instant now = clock.instant();
        recordFailure(holding, status, now);
        boolean changed = status.version() != holding.writtenVersion;
        boolean heartbeat = status.watching() && holding.writtenAt != null
                && !now.isBefore(holding.writtenAt.plus(settings.freshFor().dividedBy(3)));
        if (counts != null && (changed || heartbeat) && (status.watching() || !counts.complete())) {
            if (status.version() != holding.changedVersion) {
                holding.changedVersion = status.version();
                holding.changedAt = now;
            }
            write(holding, counts, status, now);
        }
        describe(holding, status.state());
    }

    /**
     * Records why the watch backs off with the snapshot ({@code @last_error}), once per failure, so that every replica
     * can tell why the cluster's counts are missing or ageing; the next complete write clears it.
     */
    private void recordFailure(Holding holding, PodCountWatch.Status status, Instant now) {
        if (status.watching() || status.failureCategory() == null || status.since().equals(holding.failureRecordedSince)) {
            return;
        }
        holding.failureRecordedSince = status.since();
        store.setBackoff(holding.cluster, now.plus(settings.backoffAfter(1)), 1,
                new LastFailure(status.failureCategory(), now));
    }

    private void write(Holding holding, SourceCounts counts, PodCountWatch.Status status, Instant now) {
        Instant nextAttempt = counts.complete() ? null : now.plus(settings.backoffAfter(1));
        PodCountSnapshot snapshot = PodCountSnapshot.of(counts, now, now, settings, nextAttempt, counts.complete() ? 0 : 1);
        Optional<PodCountStore.WriteResult> fenced = holding.held.write(snapshot);
        if (fenced.isEmpty()) {
            log.warn("The watch lease of {} lapsed before a write; nothing written, this replica stops watching it",
                    holding.cluster);
            drop(holding, false);
            return;
        }
        PodCountStore.WriteResult result = fenced.get();
        holding.writtenVersion = status.version();
        holding.writtenAt = now;
        holding.written = true;
        if (result.accepted()) {
            writes.increment();
            if (holding.changedAt != null) {
                writeLag.record(Duration.between(holding.changedAt, clock.instant()));
            }
            events.publish(new PodCountEvent(holding.cluster, result.generation(), PodCountEvent.Reason.WRITE));
            log.debug("Watched pod counts of {} written: {} pods, generation {}", holding.cluster, counts.pods(),
                    result.generation());
        } else {
            log.debug("Watched pod counts of {} not written: the store holds newer ones", holding.cluster);
        }
    }

    private void describe(Holding holding, String state) {
        if (holdings.get(holding.cluster) != holding) {
            return; // dropped by a write the fence refused
        }
        if (!holding.held.describe(new WatchLease.Holder(watchSettings.replica(), holding.since, state),
                watchSettings.replicaTtl())) {
            log.warn("The watch lease of {} lapsed before its holder was published; this replica stops watching it",
                    holding.cluster);
            drop(holding, false);
        }
    }

    private void balance() {
        int total = clusters.size();
        if (total == 0) {
            return;
        }
        ReplicaRegistry.Replicas replicaCount = live;
        int share = ceilDiv(total, Math.max(1, replicaCount.alive()));
        Instant now = clock.instant();
        cooldown.values().removeIf(until -> !now.isBefore(until));
        int settledShare = ceilDiv(total, Math.max(1, replicaCount.settled()));
        if (replicaCount.selfSettled() && holdings.size() > settledShare + 1) {
            List<Holding> newestFirst = new ArrayList<>(holdings.values());
            newestFirst.sort((a, b) -> b.since.compareTo(a.since));
            for (Holding holding : newestFirst.subList(0, holdings.size() - settledShare)) {
                log.info("Replica {} holds {} watch leases of {} clusters and {} settled replicas; handing {} over",
                        watchSettings.replica(), holdings.size(), total, replicaCount.settled(), holding.cluster);
                cooldown.put(holding.cluster, now.plus(watchSettings.handOverCooldown()));
                drop(holding, true);
            }
            return;
        }
        for (String cluster : clusters) {
            if (holdings.size() >= share) {
                return;
            }
            if (holdings.containsKey(cluster) || cooldown.containsKey(cluster)) {
                continue;
            }
            Optional<WatchLease.Held> held = lease.tryAcquire(cluster);
            if (held.isPresent()) {
                PodCountWatch watch = watches.open(cluster);
                Holding holding = new Holding(cluster, held.get(), watch, now);
                holdings.put(cluster, holding);
                log.info("Replica {} took the watch lease of {}; listing", watchSettings.replica(), cluster);
                watch.start();
                describe(holding, "listing");
            }
        }
    }

    private static int ceilDiv(int total, int parts) {
        return (total + parts - 1) / parts;
    }

    private void dropAll(String why) {
        if (!holdings.isEmpty()) {
            log.warn("Replica {} drops its {} watch leases and stops writing: {}", watchSettings.replica(),
                    holdings.size(), why);
        }
        for (Holding holding : List.copyOf(holdings.values())) {
            drop(holding, true);
        }
    }

    private void drop(Holding holding, boolean release) {
        holdings.remove(holding.cluster, holding);
        holding.watch.close();
        if (release) {
            holding.held.release();
        }
    }

    /** Releases every lease and stops the watches. */
    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Holding holding : List.copyOf(holdings.values())) {
            drop(holding, true);
        }
        replicas.leave(watchSettings.replica());
    }

    /** Where each held lease stands, for diagnostics. */
    public Map<String, PodCountWatch.Status> watchStatus() {
        Map<String, PodCountWatch.Status> status = new LinkedHashMap<>();
        holdings.forEach((cluster, holding) -> status.put(cluster, holding.watch.status()));
        return status;
    }

    /** A lease this replica holds and the watch it runs. */
    private static final class Holding {
        final String cluster;
        final WatchLease.Held held;
        final PodCountWatch watch;
        final Instant since;
        long writtenVersion = -1;
        long changedVersion = -1;
        long relistAfter = -1;
        long eventsCounted;
        Instant failureRecordedSince;
        Instant writtenAt;
        Instant changedAt;
        boolean written;

        Holding(String cluster, WatchLease.Held held, PodCountWatch watch, Instant since) {
            this.cluster = cluster;
            this.held = held;
            this.watch = watch;
            this.since = since;
        }
    }
}
