package io.podtally.k8s.sim;

import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.DefaultMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.vertx.Protocol;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated Kubernetes API server for what podtally uses: nodes (list, get, watch), pods (paged
 * list with {@code limit}/{@code continue}, {@code remainingItemCount} and field selectors on
 * {@code status.phase} and {@code spec.nodeName}, as a {@code PodList} or, when the {@code Accept}
 * header asks for it, as a server-side {@code Table} with {@code includeObject}; watch), node
 * metrics ({@code metrics.k8s.io}, switchable off) and discovery. It serves a synthetic cluster of N nodes and M pods with
 * realistic JSON (3-6 KB per pod), generated on the fly from compact per-pod state, so that a
 * 150,000-pod cluster fits in tens of megabytes.
 *
 * <p>Like the API server, a continued pod list answers the pods as they were when its first page was
 * served: changes made meanwhile show in the next list. That state is kept for 5 minutes and for the
 * 32 most recent lists; continuing an older list after the pods changed answers {@code 410 Expired}.
 *
 * <p>Faults can be injected at run time on pod list pages (numbered from 1, the request without
 * {@code continue}): an error status, {@code 410 Expired}, {@code 429} with {@code Retry-After}, a
 * page that never answers, extra latency. The whole server can be stopped and started again on
 * the same port, or made to answer 503. It counts the requests it served by kind, and it states
 * the true number of active pods per node.
 *
 * <p>Watches are served over WebSockets, as fabric8 clients open them; a plain HTTP watch gets
 * the replayed events and ends. A pod watch gets {@code ADDED}, {@code MODIFIED} and {@code DELETED}
 * for pods added, changed and deleted, as the API server filters them by field selector (a pod that
 * leaves the selection is {@code DELETED}); {@code BOOKMARK}s every {@link #bookmarkInterval(Duration)}
 * (and on {@link #bookmark()}) when it allowed them; it ends after its {@code timeoutSeconds} or the
 * {@link #watchTimeout(Duration)}; {@link #compact()} forgets the history, so that a watch resumed
 * from an older version answers {@code 410 Gone}. Built on fabric8's mockwebserver.
 *
 * <pre>{@code
 * try (SimulatedCluster sim = SimulatedCluster.builder().nodes(104).activePods(2613).seed(42).start()) {
 *     Config config = Config.fromKubeconfig(sim.kubeconfigYaml("sim"));
 *     ...
 * }
 * }</pre>
 */
public final class SimulatedCluster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SimulatedCluster.class);

    /** The token the generated kubeconfig carries; the simulated cluster accepts any. */
    public static final String TOKEN = "simulated-token";

    private static final java.util.logging.Logger MOCK_SERVER_LOG =
            java.util.logging.Logger.getLogger(MockWebServer.class.getName());

    static {
        MOCK_SERVER_LOG.setLevel(Level.WARNING);
    }

    private final ClusterState state;
    private final SimDispatcher dispatcher;
    private final RequestCounters requestCounters = new RequestCounters();
    private final Clock clock;
    private final Map<Integer, FaultSlot> faults = new HashMap<>();
    private volatile Duration pageLatency;
    private volatile boolean metricsEnabled;
    private volatile boolean tablesEnabled;
    private volatile boolean unavailable;
    private volatile boolean forbidden;
    private volatile DefaultMockServer server;
    private volatile int port;
    private volatile Duration watchTimeout;
    private final ScheduledExecutorService timer;
    private ScheduledFuture<?> bookmarks;

    private static final class FaultSlot {
        private final PageFault fault;
        private int remaining;

        FaultSlot(PageFault fault, int remaining) {
            this.fault = fault;
            this.remaining = remaining;
        }
    }

    private SimulatedCluster(Builder builder) {
        this.clock = builder.clock;
        this.state = new ClusterState(new ClusterSpec(builder.nodes, builder.activePods, builder.unscheduledShare,
                builder.succeededShare, builder.failedShare, builder.emptyNodeShare, builder.seed, clock.instant()));
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "simulated-cluster-watches");
            thread.setDaemon(true);
            return thread;
        });
        this.dispatcher = new SimDispatcher(this, state, requestCounters,
                new WatchHandler(state, timer, () -> watchTimeout, requestCounters));
        this.watchTimeout = builder.watchTimeout;
        bookmarkInterval(builder.bookmarkInterval);
        this.pageLatency = builder.pageLatency;
        this.metricsEnabled = builder.metrics;
        this.tablesEnabled = builder.tables;
    }

    /** A builder with the defaults: 10 nodes, 250 active pods, seed 1, no latency, metrics and tables on. */
    public static Builder builder() {
        return new Builder();
    }

    /** The cluster of the incident: 104 nodes, 2,613 active pods, 0.5 s per pod list page. */
    public static Builder incident() {
        return builder().nodes(104).activePods(2613).pageLatency(Duration.ofMillis(500));
    }

    /** A large cluster: 5,000 nodes, 150,000 active pods. */
    public static Builder large() {
        return builder().nodes(5000).activePods(150_000);
    }

    /** Starts serving again on the same port after {@link #stop()}; does nothing when running. */
    public synchronized void start() {
        if (server != null) {
            return;
        }
        startOn(port);
    }

    private synchronized void startOn(int requestedPort) {
        MockWebServer webServer = new MockWebServer();
        webServer.setProtocols(List.of(Protocol.HTTP_1_1));
        webServer.setHttp2ClearTextEnabled(false);
        DefaultMockServer mock = new DefaultMockServer(new Context(), webServer, new HashMap<>(), dispatcher, false);
        try {
            mock.start(InetAddress.getByName("127.0.0.1"), requestedPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.server = mock;
        this.port = mock.getPort();
        log.info("Simulated cluster serving {} nodes and {} pods on {}", state.nodeNames().size(), state.podCount(),
                url());
    }

    /** Stops serving: connections are refused until {@link #start()}. Open watches are closed. */
    public synchronized void stop() {
        DefaultMockServer running = server;
        if (running == null) {
            return;
        }
        server = null;
        state.closeAllWatches();
        running.shutdown();
        log.info("Simulated cluster on port {} stopped", port);
    }

    /** Whether the server is accepting connections. */
    public boolean running() {
        return server != null;
    }

    @Override
    public void close() {
        stop();
        timer.shutdownNow();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:40123}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The port served on (kept across {@link #stop()} and {@link #start()}). */
    public int port() {
        return port;
    }

    /** A kubeconfig with one context, {@code contextName}, pointing at this cluster with a dummy token. */
    public String kubeconfigYaml(String contextName) {
        return kubeconfigYaml(Map.of(contextName, this));
    }

    /** Writes {@link #kubeconfigYaml(String)} to {@code file}. */
    public Path writeKubeconfig(Path file, String contextName) {
        try {
            return Files.writeString(file, kubeconfigYaml(contextName), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A kubeconfig with one context per entry, named after its key; the current context is the first
     * in iteration order (use a sorted or linked map).
     */
    public static String kubeconfigYaml(Map<String, SimulatedCluster> clustersByContext) {
        if (clustersByContext.isEmpty()) {
            throw new IllegalArgumentException("no cluster");
        }
        StringBuilder clusters = new StringBuilder("clusters:\n");
        StringBuilder contexts = new StringBuilder("contexts:\n");
        StringBuilder users = new StringBuilder("users:\n");
        for (Map.Entry<String, SimulatedCluster> e : clustersByContext.entrySet()) {
            String name = quote(e.getKey());
            String user = quote(e.getKey() + "-user");
            clusters.append("- name: ").append(name).append("\n  cluster:\n    server: ")
                    .append(quote(e.getValue().url())).append('\n');
            contexts.append("- name: ").append(name).append("\n  context:\n    cluster: ").append(name)
                    .append("\n    user: ").append(user).append("\n    namespace: default\n");
            users.append("- name: ").append(user).append("\n  user:\n    token: ").append(TOKEN).append('\n');
        }
        return "apiVersion: v1\nkind: Config\npreferences: {}\n" + clusters + contexts + users
                + "current-context: " + quote(clustersByContext.keySet().iterator().next()) + "\n";
    }

    private static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** The latency of every pod list page. */
    public void pageLatency(Duration latency) {
        this.pageLatency = Objects.requireNonNull(latency);
    }

    public Duration pageLatency() {
        return pageLatency;
    }

    /** Serves {@code metrics.k8s.io} or answers 404 like a cluster without metrics-server. */
    public void metricsEnabled(boolean enabled) {
        this.metricsEnabled = enabled;
    }

    public boolean metricsEnabled() {
        return metricsEnabled;
    }

    /**
     * Serves pod lists as a server-side {@code Table} when the {@code Accept} header asks for
     * {@code application/json;as=Table;v=v1;g=meta.k8s.io}, or ignores that request and answers a
     * plain {@code PodList}, as an old or unusual server does.
     */
    public void tablesEnabled(boolean enabled) {
        this.tablesEnabled = enabled;
    }

    public boolean tablesEnabled() {
        return tablesEnabled;
    }

    /** While {@code true}, every request is answered {@code 503 Service Unavailable}. */
    public void unavailable(boolean value) {
        this.unavailable = value;
    }

    boolean unavailable() {
        return unavailable;
    }

    /**
     * Whether every request is refused with {@code 403 Forbidden}, as RBAC refuses an identity without the rights
     * podtally needs: the message names the API server's URL and the service account, as real refusals name the
     * identity and fabric8's messages the URL.
     */
    public void forbidden(boolean value) {
        this.forbidden = value;
    }

    boolean forbidden() {
        return forbidden;
    }

    /**
     * Makes pod list page {@code page} (1 = the request without {@code continue}) answer {@code fault}
     * the next {@code times} times it is requested ({@link Integer#MAX_VALUE}: always). Replaces an
     * earlier fault on that page.
     */
    public void injectPageFault(int page, PageFault fault, int times) {
        if (page < 1 || times < 1) {
            throw new IllegalArgumentException("page and times start at 1");
        }
        synchronized (faults) {
            faults.put(page, new FaultSlot(Objects.requireNonNull(fault), times));
        }
    }

    /** Page {@code page} answers {@code status} every time. */
    public void failPage(int page, int status) {
        injectPageFault(page, PageFault.status(status), Integer.MAX_VALUE);
    }

    /** Page {@code page} answers {@code 410 Expired} once. */
    public void expirePageOnce(int page) {
        injectPageFault(page, PageFault.expired(), 1);
    }

    /** Page {@code page} answers {@code 410 Expired} every time. */
    public void expirePageAlways(int page) {
        injectPageFault(page, PageFault.expired(), Integer.MAX_VALUE);
    }

    /** Page {@code page} answers {@code 429} with {@code Retry-After} once. */
    public void throttlePageOnce(int page, Duration retryAfter) {
        injectPageFault(page, PageFault.tooManyRequests(retryAfter), 1);
    }

    /** Page {@code page} never answers. */
    public void stallPage(int page) {
        injectPageFault(page, PageFault.stall(), Integer.MAX_VALUE);
    }

    /** Removes every injected page fault (not the page latency, nor {@link #unavailable(boolean)}). */
    public void clearFaults() {
        synchronized (faults) {
            faults.clear();
        }
    }

    PageFault takeFault(int page) {
        synchronized (faults) {
            FaultSlot slot = faults.get(page);
            if (slot == null) {
                return null;
            }
            if (slot.remaining != Integer.MAX_VALUE && --slot.remaining == 0) {
                faults.remove(page);
            }
            return slot.fault;
        }
    }

    void forgetRecordedRequest() {
        DefaultMockServer running = server;
        if (running == null) {
            return;
        }
        try {
            running.takeRequest(0, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The requests served so far, by kind. */
    public RequestCounts requestCounts() {
        return requestCounters.snapshot();
    }

    public void resetRequestCounts() {
        requestCounters.reset();
    }

    /** Pods answered in pod list pages so far (since the start or {@link #resetRequestCounts()}). */
    public long podsListed() {
        return requestCounters.podsListed();
    }

    /** Pod watch events (bookmarks not counted) written to the open pod watches since the start. */
    public long podWatchEventsSent() {
        return requestCounters.podEventsSent();
    }

    /**
     * When the last pod watch event was written to a watch, in {@link System#nanoTime()} of this JVM; 0 before the
     * first.
     */
    public long lastPodWatchEventSentNanos() {
        return requestCounters.lastPodEventSentNanos();
    }

    /** Open node watches. */
    public int openNodeWatches() {
        return state.openWatches(ClusterState.Kind.NODES);
    }

    /**
     * How often watches that allowed bookmarks get a {@code BOOKMARK} at the current resource version (the
     * API server sends one about every minute); zero: only on {@link #bookmark()}.
     */
    public synchronized void bookmarkInterval(Duration interval) {
        if (interval.isNegative()) {
            throw new IllegalArgumentException("bookmark interval must not be negative");
        }
        if (bookmarks != null) {
            bookmarks.cancel(false);
            bookmarks = null;
        }
        if (!interval.isZero()) {
            bookmarks = timer.scheduleWithFixedDelay(state::sendBookmarks, interval.toMillis(), interval.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /** Sends a {@code BOOKMARK} to every open watch that allowed bookmarks, now. */
    public void bookmark() {
        state.sendBookmarks();
    }

    /** The longest a watch stays open (the request's {@code timeoutSeconds} may be shorter); {@code null}: no limit. */
    public void watchTimeout(Duration timeout) {
        this.watchTimeout = timeout;
    }

    /**
     * Advances the resource version and forgets the history of changes up to it, as etcd's compaction does, and ends
     * the open watches: a client that resumes its watch from the version it last saw gets {@code 410 Gone} and has to
     * list again.
     */
    public void compact() {
        state.compact();
    }

    /** Ends every open watch normally, as the API server's watch timeout does; clients resume from their last version. */
    public void endWatches() {
        state.endWatches();
    }

    /** Open pod watches. */
    public int openPodWatches() {
        return state.openWatches(ClusterState.Kind.PODS);
    }

    /** Active pods (phase neither Succeeded nor Failed) per node, for nodes with at least one; sorted by name. */
    public Map<String, Integer> activePodsByNode() {
        return state.activePodsByNode();
    }

    /** Active pods with a node. */
    public long activePods() {
        return state.count(true, true);
    }

    /** Active pods without a node (Pending, unschedulable). */
    public long unscheduledActivePods() {
        return state.count(true, false);
    }

    /** All pods, whatever their phase. */
    public int totalPods() {
        return state.podCount();
    }

    /** The current resource version. */
    public long resourceVersion() {
        return state.resourceVersion();
    }

    /** Node names, sorted. */
    public List<String> nodeNames() {
        return state.nodeNames();
    }

    /** Adds a worker node with a generated name, returns the name; watches see {@code ADDED}. */
    public String addNode() {
        return state.addNode(null);
    }

    /** Adds a worker node called {@code name}; watches see {@code ADDED}. */
    public String addNode(String name) {
        return state.addNode(Objects.requireNonNull(name));
    }

    /** Removes a node (its pods stay); watches see {@code DELETED}. */
    public void removeNode(String name) {
        state.removeNode(name);
    }

    /**
     * Deletes the node and creates a worker node of the same name with a new {@code metadata.uid}, as a cloud's
     * auto-repair does (its pods stay); watches see {@code DELETED}, then {@code ADDED}. Returns the new uid.
     */
    public String recreateNode(String name) {
        return state.recreateNode(name);
    }

    /** The node's {@code metadata.uid}. */
    public String nodeUid(String name) {
        return state.nodeUid(name);
    }

    /** Sets the node's {@code Ready} condition ({@code Unknown} when not ready); watches see {@code MODIFIED}. */
    public void setNodeReady(String name, boolean ready) {
        state.setNodeReady(name, ready);
    }

    /** Cordons or uncordons a node ({@code spec.unschedulable} and its taint); watches see {@code MODIFIED}. */
    public void cordonNode(String name, boolean cordoned) {
        state.setNodeUnschedulable(name, cordoned);
    }

    /** Sets ({@code value} non-null) or removes a node label; watches see {@code MODIFIED}. */
    public void setNodeLabel(String name, String key, String value) {
        state.setNodeLabel(name, key, value);
    }

    /** Adds {@code count} Running pods on {@code nodeName}. */
    public void addPods(String nodeName, int count) {
        state.addPods(Objects.requireNonNull(nodeName), count, SimPod.Phase.RUNNING);
    }

    /** Adds {@code count} Pending pods that no node could take. */
    public void addUnscheduledPods(int count) {
        state.addPods(null, count, SimPod.Phase.PENDING);
    }

    /** Deletes up to {@code count} active pods of {@code nodeName}; returns how many. */
    public int removePods(String nodeName, int count) {
        return state.removePods(nodeName, count);
    }

    /** Moves up to {@code count} active pods of {@code nodeName} to Succeeded; returns how many. */
    public int completePods(String nodeName, int count) {
        return state.completePods(nodeName, count);
    }

    /** Binds up to {@code count} unscheduled Pending pods to {@code nodeName}, Running; returns how many. */
    public int schedulePods(String nodeName, int count) {
        return state.schedulePods(nodeName, count);
    }

    long clockSeconds() {
        return clock.instant().getEpochSecond();
    }

    List<MetricsJson.Usage> usages(long now) {
        Map<String, Integer> pods = state.activePodsByNode();
        List<MetricsJson.Usage> usages = new ArrayList<>();
        for (SimNode node : state.nodes()) {
            if (!node.ready()) {
                continue;
            }
            SplittableRandom jitter = new SplittableRandom(node.seed() ^ (now / 15));
            int n = pods.getOrDefault(node.name(), 0);
            double factor = 0.8 + 0.4 * jitter.nextDouble();
            long cpu = (long) ((150_000_000L + 40_000_000L * n) * factor);
            long memory = (long) ((900L * 1024 + 150L * 1024 * n) * factor);
            cpu = Math.min(cpu, node.cpuCores() * 950_000_000L);
            memory = Math.min(memory, node.memoryKi() * 9 / 10);
            usages.add(new MetricsJson.Usage(node.name(), new LinkedHashMap<>(NodeJson.labels(node)), cpu, memory));
        }
        return usages;
    }

    /** Builds a simulated cluster. */
    public static final class Builder {

        private int nodes = 10;
        private long activePods = 250;
        private long seed = 1;
        private double unscheduledShare = 0.02;
        private double succeededShare = 0.10;
        private double failedShare = 0.02;
        private double emptyNodeShare = 0.02;
        private Duration pageLatency = Duration.ZERO;
        private boolean metrics = true;
        private boolean tables = true;
        private Clock clock = Clock.systemUTC();
        private Duration bookmarkInterval = Duration.ofMinutes(1);
        private Duration watchTimeout;

        private Builder() {
        }

        /** How often watches that allowed bookmarks get one (default 1 minute; zero: only on {@link #bookmark()}). */
        public Builder bookmarkInterval(Duration value) {
            this.bookmarkInterval = Objects.requireNonNull(value);
            return this;
        }

        /** The longest a watch stays open (default no limit but the request's {@code timeoutSeconds}). */
        public Builder watchTimeout(Duration value) {
            this.watchTimeout = value;
            return this;
        }

        /** Number of nodes; with 10 or more, three are control-plane nodes. */
        public Builder nodes(int value) {
            this.nodes = requireNonNegative(value, "nodes");
            return this;
        }

        /** Scheduled pods in phase Pending or Running (what a pod count should find). */
        public Builder activePods(long value) {
            this.activePods = requireNonNegative(value, "activePods");
            return this;
        }

        /** Seed of every random choice: the same seed gives the same cluster. */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /** Pending pods without a node, as a share of the active pods (default 0.02). */
        public Builder unscheduledShare(double value) {
            this.unscheduledShare = requireShare(value, "unscheduledShare");
            return this;
        }

        /** Succeeded pods, as a share of the active pods (default 0.10). */
        public Builder succeededShare(double value) {
            this.succeededShare = requireShare(value, "succeededShare");
            return this;
        }

        /** Failed pods, as a share of the active pods (default 0.02). */
        public Builder failedShare(double value) {
            this.failedShare = requireShare(value, "failedShare");
            return this;
        }

        /** Share of worker nodes without any active pod (default 0.02). */
        public Builder emptyNodeShare(double value) {
            this.emptyNodeShare = requireShare(value, "emptyNodeShare");
            return this;
        }

        /** Latency of every pod list page (default none). */
        public Builder pageLatency(Duration value) {
            this.pageLatency = Objects.requireNonNull(value);
            return this;
        }

        /** Whether {@code metrics.k8s.io} is served (default true). */
        public Builder metrics(boolean value) {
            this.metrics = value;
            return this;
        }

        /**
         * Whether pod lists are served as a {@code Table} when asked for (default true); false makes a
         * server that ignores the request and answers a plain {@code PodList}.
         */
        public Builder tables(boolean value) {
            this.tables = value;
            return this;
        }

        /** The clock that dates objects and metrics (default the system clock). */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value);
            return this;
        }

        /** Generates the cluster and starts serving on a free port of 127.0.0.1. */
        public SimulatedCluster start() {
            return start(0);
        }

        /** Generates the cluster and starts serving on {@code port} of 127.0.0.1 (0: a free port). */
        public SimulatedCluster start(int port) {
            SimulatedCluster cluster = new SimulatedCluster(this);
            cluster.startOn(port);
            return cluster;
        }

        private static <T extends Number> T requireNonNegative(T value, String name) {
            if (value.longValue() < 0) {
                throw new IllegalArgumentException(name + " must not be negative");
            }
            return value;
        }

        private static double requireShare(double value, String name) {
            if (value < 0 || value > 10) {
                throw new IllegalArgumentException(name + " must be between 0 and 10");
            }
            return value;
        }
    }
}
