package io.podtally.k8s.fabric8;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.podtally.k8s.PodCountResult;
import io.podtally.k8s.PodCounterSettings;
import io.podtally.k8s.PodWatch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link PodWatch} of one cluster on fabric8: the list is the {@link Fabric8PodCounter}'s (same field selector,
 * page size, {@code 410}/{@code 429} handling, streamed pages), told each pod; the watch is fabric8's, with the same
 * field selector and bookmarks, which resumes from the last resource version itself when the server ends it. Each
 * watch event's {@code Pod} is read, its uid and node kept in a {@link SlimPodStore}, and dropped.
 */
public final class Fabric8PodWatch implements PodWatch {

    private static final Logger log = LoggerFactory.getLogger(Fabric8PodWatch.class);

    private final String cluster;
    private final KubernetesClient client;
    private final Fabric8PodCounter counter;
    private final Duration backoffInitial;
    private final Duration backoffMax;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final ListedPods listed = new ListedPods();

    private SlimPodStore pods;
    private int pages;
    private Counts partial;
    private State state = State.STOPPED;
    private Instant since;
    private long version;
    private long lists;
    private long events;
    private String lastFailure;
    private String lastFailureCategory;
    private boolean relistAsked;
    private boolean watchEnded;
    private boolean closed;
    private Thread thread;

    /**
     * @param cluster the cluster's name, for logs and the thread
     * @param client the cluster's client; not closed by the watch
     * @param settings the list's page size, timeouts and caps
     * @param backoffInitial the wait after a failed or partial list (doubles each time)
     * @param backoffMax the longest wait between lists
     */
    public Fabric8PodWatch(String cluster, KubernetesClient client, PodCounterSettings settings,
            Duration backoffInitial, Duration backoffMax) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.client = Objects.requireNonNull(client, "client");
        this.counter = new Fabric8PodCounter(client, settings, listed);
        this.backoffInitial = backoffInitial;
        this.backoffMax = backoffMax;
        this.clock = Clock.systemUTC();
        this.since = clock.instant();
    }

    @Override
    public void start() {
        lock.lock();
        try {
            if (thread != null || closed) {
                return;
            }
            thread = new Thread(this::run, "podtally-pod-watch-" + cluster);
            thread.setDaemon(true);
            thread.start();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void relist() {
        lock.lock();
        try {
            relistAsked = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Status status() {
        lock.lock();
        try {
            return new Status(state, version, since, lists, events, lastFailure, lastFailureCategory);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Counts counts() {
        lock.lock();
        try {
            if (pods != null) {
                return new Counts(pods.countsByNode(), true, pods.pods(), pages, null, version);
            }
            return partial;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        Thread running;
        lock.lock();
        try {
            closed = true;
            running = thread;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        if (running != null) {
            running.interrupt();
            try {
                running.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        enter(State.STOPPED, null);
    }

    private void run() {
        int failures = 0;
        while (!isClosed()) {
            enter(lists == 0 ? State.LISTING : State.RELISTING, null);
            lock.lock();
            try {
                lists++;
                relistAsked = false;
            } finally {
                lock.unlock();
            }
            listed.reset();
            PodCountResult result = counter.count();
            if (isClosed()) {
                return;
            }
            if (!result.complete() || listed.version == null) {
                failures++;
                Duration wait = backoff(failures);
                String failure = result.complete() ? "the list had no resource version" : result.failure();
                log.warn("Listing the pods of {} for the watch ended partial ({}); listing again in {} s", cluster,
                        failure, wait.toSeconds());
                lock.lock();
                try {
                    if (pods == null && result.pages() > 0) {
                        partial = new Counts(result.countsByNode(), false, result.pods(), result.pages(), failure,
                                ++version, result.failureCategory());
                    }
                    lastFailure = failure;
                    lastFailureCategory = result.complete() ? "error" : result.failureCategory();
                } finally {
                    lock.unlock();
                }
                enter(State.BACKING_OFF, failure);
                await(wait);
                continue;
            }
            failures = 0;
            String resourceVersion = listed.version;
            lock.lock();
            try {
                pods = listed.store;
                pages = result.pages();
                partial = null;
                version++;
                watchEnded = false;
            } finally {
                lock.unlock();
            }
            log.info("Listed {} active pods of {} at resource version {}; watching", result.pods(), cluster,
                    resourceVersion);
            failures = watch(resourceVersion) ? 0 : 1;
            if (failures > 0 && !isClosed()) {
                enter(State.BACKING_OFF, lastFailure);
                await(backoff(1));
            }
        }
    }

    /** Watches until asked to relist, closed, or the watch ends; whether it ended without a failure. */
    private boolean watch(String resourceVersion) {
        Watch watch;
        try {
            watch = client.pods().inAnyNamespace().watch(new ListOptionsBuilder()
                    .withFieldSelector(Fabric8PodCounter.ACTIVE_PODS)
                    .withResourceVersion(resourceVersion)
                    .withAllowWatchBookmarks(true)
                    .build(), new Events());
        } catch (KubernetesClientException e) {
            log.warn("Opening the pod watch of {} failed: {}", cluster, e.getMessage());
            failed("opening the watch failed: " + e.getMessage(), Fabric8Clients.categorize(e).label());
            return false;
        }
        enter(State.WATCHING, null);
        try {
            lock.lock();
            try {
                while (!closed && !relistAsked && !watchEnded) {
                    wake.await();
                }
                return lastFailure == null || relistAsked;
            } finally {
                lock.unlock();
            }
        } catch (InterruptedException e) {
            return true;
        } finally {
            watch.close();
        }
    }

    private void failed(String failure, String category) {
        lock.lock();
        try {
            lastFailure = failure;
            lastFailureCategory = category;
            watchEnded = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private final class Events implements Watcher<Pod> {

        @Override
        public void eventReceived(Action action, Pod pod) {
            if (action == Action.BOOKMARK || action == Action.ERROR) {
                return;
            }
            String key = pod.getMetadata().getUid();
            if (key == null || key.isEmpty()) {
                key = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
            }
            String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
            boolean active = !"Succeeded".equals(phase) && !"Failed".equals(phase);
            String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
            lock.lock();
            try {
                if (pods == null || state != State.WATCHING) {
                    return;
                }
                if (action == Action.DELETED || !active) {
                    pods.remove(key);
                } else {
                    pods.put(key, node);
                }
                events++;
                version++;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void onClose(WatcherException cause) {
            if (cause.isHttpGone()) {
                log.info("The pod watch of {} answered 410 Gone; listing again", cluster);
                lock.lock();
                try {
                    relistAsked = true;
                    wake.signalAll();
                } finally {
                    lock.unlock();
                }
                return;
            }
            log.warn("The pod watch of {} ended: {}", cluster, cause.getMessage());
            failed("the watch ended: " + cause.getMessage(), Fabric8Clients.categorize(cause).label());
        }

        @Override
        public void onClose() {
            log.debug("The pod watch of {} closed", cluster);
        }
    }

    /** Receives the list's pods into a new store, which replaces the watched one once the list is complete. */
    private static final class ListedPods implements PodListPageParser.Visitor {
        private SlimPodStore store = new SlimPodStore();
        private String version;

        void reset() {
            store = new SlimPodStore();
            version = null;
        }

        @Override
        public void listVersion(String resourceVersion) {
            if (version == null) {
                version = resourceVersion;
            }
        }

        @Override
        public void item(String key, String nodeName, boolean active) {
            if (active) {
                store.put(key, nodeName);
            }
        }

        @Override
        public void restarted() {
            reset();
        }
    }

    private void enter(State next, String failure) {
        lock.lock();
        try {
            if (state != next) {
                state = next;
                since = clock.instant();
            }
            if (failure != null) {
                lastFailure = failure;
            } else if (next == State.WATCHING) {
                lastFailure = null;
                lastFailureCategory = null;
            }
        } finally {
            lock.unlock();
        }
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    private void await(Duration wait) {
        long left = wait.toNanos();
        lock.lock();
        try {
            while (!closed && !relistAsked && left > 0) {
                left = wake.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    private Duration backoff(int failures) {
        Duration wait = backoffInitial.multipliedBy(1L << Math.min(failures - 1, 20));
        return wait.compareTo(backoffMax) > 0 ? backoffMax : wait;
    }
}
