package io.podtally.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PodCountBackend} that serves from a fallback (memory) while it keeps trying to start its target (Redis)
 * in the background, and switches to the target for good once it starts. Its store, recent clusters, lock and
 * events, and its watch lease and replica registry, forward every call to the backend in use, so the cache and the
 * watch mode built on them read, lock, publish and take leases through the target from the switch on; the listeners subscribed so far are subscribed to the target's events. What the
 * fallback holds is not copied: the target is the source of truth. The fallback is closed after the switch.
 *
 * <p>Attempts follow a backoff from {@code firstRetry} doubling to {@code maxRetry}. The switch is logged once and
 * counted in {@value #SWITCHES}.
 */
public final class SwitchingBackend implements PodCountBackend {

    /** Switches of this replica from its fallback store to its target. */
    public static final String SWITCHES = "podtally.store.switches";

    private static final Logger log = LoggerFactory.getLogger(SwitchingBackend.class);

    private final PodCountBackend fallback;
    private final String targetName;
    private final Target target;
    private final Duration maxRetry;
    private final Counter switches;
    private final ScheduledExecutorService retries;
    private final List<Consumer<PodCountEvent>> listeners = new ArrayList<>();
    private volatile PodCountBackend current;
    private volatile String lastFailure;
    private Duration nextRetry;
    private boolean eventsClosed;
    private boolean closed;
    private final PodCountStore store = new Store();
    private final RecentClusters recentClusters = new Recent();
    private final RefreshLock lock = cluster -> current.lock().tryLock(cluster);
    private final PodCountEvents events = new Events();
    private final WatchLease watchLease = new Lease();
    private final ReplicaRegistry replicaRegistry = new Registry();
    private final Clock clock = new CurrentClock(ZoneOffset.UTC);

    /**
     * Starts trying the target in the background.
     *
     * @param fallback what is served until the target starts; closed after the switch
     * @param targetName how the target is named in the kind, health and logs ({@code Redis})
     * @param failure why the target did not start before
     * @param target starts the target, or tells why not
     * @param firstRetry the wait before the first attempt
     * @param maxRetry the longest wait between two attempts
     * @param meters where {@value #SWITCHES} goes
     */
    public SwitchingBackend(PodCountBackend fallback, String targetName, String failure, Target target,
            Duration firstRetry, Duration maxRetry, MeterRegistry meters) {
        this.fallback = Objects.requireNonNull(fallback, "fallback");
        this.current = fallback;
        this.targetName = Objects.requireNonNull(targetName, "targetName");
        this.lastFailure = failure;
        this.target = Objects.requireNonNull(target, "target");
        this.nextRetry = Objects.requireNonNull(firstRetry, "firstRetry");
        this.maxRetry = Objects.requireNonNull(maxRetry, "maxRetry");
        this.switches = Counter.builder(SWITCHES)
                .description("Switches of this replica's pod-count store from memory to Redis")
                .register(meters);
        this.retries = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "podtally-store-switch");
            thread.setDaemon(true);
            return thread;
        });
        schedule(firstRetry);
    }

    /** Starts the backend to switch to. */
    @FunctionalInterface
    public interface Target {

        /**
         * Starts the target if it can be reached now, bounded by its own timeout.
         *
         * @param whyNot told why not when it cannot
         * @return the started backend, or empty (nothing left running)
         */
        Optional<? extends PodCountBackend> startIfAnswering(Consumer<String> whyNot);
    }

    /** Whether the target is in use. */
    public boolean switched() {
        return current != fallback;
    }

    /** The target's kind once switched; before, the fallback's with {@code (waiting for <target>)}. */
    @Override
    public String kind() {
        PodCountBackend backend = current;
        return backend == fallback ? backend.kind() + " (waiting for " + targetName + ")" : backend.kind();
    }

    @Override
    public String waitingFor() {
        PodCountBackend backend = current;
        if (backend != fallback) {
            return backend.waitingFor();
        }
        return targetName + ", which does not answer (" + lastFailure + "); tried again in the background every "
                + (maxRetry.toMillisPart() == 0 ? maxRetry.toSeconds() + " s" : maxRetry.toMillis() + " ms")
                + " at most";
    }

    @Override
    public PodCountStore store() {
        return store;
    }

    @Override
    public RecentClusters recentClusters() {
        return recentClusters;
    }

    @Override
    public RefreshLock lock() {
        return lock;
    }

    @Override
    public PodCountEvents events() {
        return events;
    }

    /**
     * The target's watch lease once switched, so that watch mode built on it at start-up takes part from the switch
     * on; before, and on a target without one, no lease is taken nor held.
     */
    @Override
    public Optional<WatchLease> watchLease() {
        return Optional.of(watchLease);
    }

    /**
     * The target's replica registry once switched; before, and on a target without one, announcing a replica fails
     * as the shared store does not answer, so watch mode holds no lease until the switch.
     */
    @Override
    public Optional<ReplicaRegistry> replicaRegistry() {
        return Optional.of(replicaRegistry);
    }

    @Override
    public String problem() {
        return current.problem();
    }

    @Override
    public Boolean eventsSubscribed() {
        return current.eventsSubscribed();
    }

    @Override
    public String nearCache() {
        return current.nearCache();
    }

    /** The clock of the backend in use at each call: the local clock while on memory, Redis' once switched. */
    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public Duration clockSkew() {
        return current.clockSkew();
    }

    @Override
    public boolean clockSkewed() {
        return current.clockSkewed();
    }

    /** Stops trying the target, then closes the backend in use. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        retries.shutdownNow();
        current.close();
    }

    private void schedule(Duration delay) {
        try {
            retries.schedule(this::attempt, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("Not trying {} again: the pod-count store is closed", targetName);
        }
    }

    private void attempt() {
        Optional<? extends PodCountBackend> started;
        try {
            started = target.startIfAnswering(why -> lastFailure = why);
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                return; // closed while starting: the failure is the interrupt's, not the target's
            }
            log.warn("Starting {} failed; tried again later", targetName, e);
            lastFailure = e.toString();
            started = Optional.empty();
        }
        if (started.isEmpty()) {
            log.debug("{} does not answer yet ({}); pod counts stay in memory", targetName, lastFailure);
            Duration doubled = nextRetry.multipliedBy(2);
            nextRetry = doubled.compareTo(maxRetry) > 0 ? maxRetry : doubled;
            schedule(nextRetry);
            return;
        }
        switchTo(started.get());
    }

    private void switchTo(PodCountBackend next) {
        PodCountBackend previous;
        synchronized (this) {
            if (closed) {
                next.close();
                return;
            }
            if (!eventsClosed) {
                listeners.forEach(next.events()::subscribe);
            }
            previous = current;
            current = next;
        }
        switches.increment();
        log.info("Pod counts switched to {}: this replica now shares the counts, the refresh lock and the change "
                + "events of the other replicas; what it counted in memory is dropped", targetName);
        retries.shutdown();
        previous.close();
    }

    private final class CurrentClock extends Clock {

        private final ZoneId zone;

        CurrentClock(ZoneId zone) {
            this.zone = zone;
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId other) {
            return new CurrentClock(other);
        }

        @Override
        public Instant instant() {
            return current.clock().instant();
        }
    }

    private final class Store implements PodCountStore {

        @Override
        public Optional<PodCountSnapshot> read(String cluster) {
            return current.store().read(cluster);
        }

        @Override
        public WriteResult write(String cluster, PodCountSnapshot snapshot) {
            return current.store().write(cluster, snapshot);
        }

        /**
         * {@inheritDoc} A fence of the fallback's lock, taken before the switch, does not hold in the target: what was
         * counted under it is not written where another replica may hold the target's lock.
         */
        @Override
        public Optional<WriteResult> write(String cluster, PodCountSnapshot snapshot, Fence fence) {
            return current.store().write(cluster, snapshot, fence);
        }

        @Override
        public void setBackoff(String cluster, Instant nextAttempt, int failures, LastFailure failure) {
            current.store().setBackoff(cluster, nextAttempt, failures, failure);
        }

        @Override
        public boolean delete(String cluster) {
            return current.store().delete(cluster);
        }
    }

    private final class Recent implements RecentClusters {

        @Override
        public void recordAsked(Map<String, Instant> askedAt) {
            current.recentClusters().recordAsked(askedAt);
        }

        @Override
        public Map<String, Instant> lastAsked() {
            return current.recentClusters().lastAsked();
        }
    }

    private final class Lease implements WatchLease {

        @Override
        public Optional<Held> tryAcquire(String cluster) {
            return current.watchLease().flatMap(lease -> lease.tryAcquire(cluster));
        }

        @Override
        public boolean isHeld(String cluster) {
            return current.watchLease().map(lease -> lease.isHeld(cluster)).orElse(false);
        }

        @Override
        public Optional<Holder> holder(String cluster) {
            return current.watchLease().flatMap(lease -> lease.holder(cluster));
        }
    }

    private final class Registry implements ReplicaRegistry {

        @Override
        public Replicas heartbeat(String replica, Duration ttl, Duration settled) {
            Optional<ReplicaRegistry> registry = current.replicaRegistry();
            if (registry.isEmpty()) {
                throw new StoreUnavailableException("no shared store to announce replica " + replica + " in: "
                        + (switched() ? current.kind() + " has no replica registry" : "waiting for " + targetName), null);
            }
            return registry.get().heartbeat(replica, ttl, settled);
        }

        @Override
        public void leave(String replica) {
            current.replicaRegistry().ifPresent(registry -> registry.leave(replica));
        }
    }

    private final class Events implements PodCountEvents {

        @Override
        public void publish(PodCountEvent event) {
            current.events().publish(event);
        }

        @Override
        public void subscribe(Consumer<PodCountEvent> listener) {
            synchronized (SwitchingBackend.this) {
                listeners.add(listener);
                current.events().subscribe(listener);
            }
        }

        @Override
        public void close() {
            synchronized (SwitchingBackend.this) {
                eventsClosed = true;
                listeners.clear();
                current.events().close();
            }
        }
    }
}
