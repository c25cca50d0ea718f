package io.podtally.k8s.sim;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The objects of a simulated cluster, their resource versions, the recent change events and the
 * open watches. All access is synchronized on the instance; watch events are handed to the sinks
 * while the lock is held, so a watch never misses or reorders a change, and the sinks only queue
 * them, so a change never waits for a client.
 */
final class ClusterState {

    private static final int EVENT_LOG_SIZE = 2000;
    /** How long a pod list can be continued after its first page, like the API server's etcd compaction interval. */
    static final Duration LIST_RETENTION = Duration.ofMinutes(5);
    /** Pod lists kept open at most; the oldest is forgotten first. */
    static final int MAX_OPEN_LISTS = 32;

    /** The two watchable kinds. */
    enum Kind {
        NODES, PODS
    }

    /**
     * Where watch events go, called with the state's lock held. Implementations must not block:
     * they keep the order of the events and write them later, outside the lock.
     */
    interface WatchSink {
        void send(String text);

        void close(int code, String reason);
    }

    private record Event(long resourceVersion, String type, Object object, Object previous) {
    }

    private record Watch(Kind kind, WatchSink sink, FieldSelector selector, String namespace) {
    }

    /**
     * One page of a list.
     *
     * @param items the items of the page
     * @param resourceVersion the cluster's resource version
     * @param lastKey the key of the last item, for the continue token
     * @param remaining matching items after this page
     */
    record Page<T>(List<T> items, long resourceVersion, String lastKey, long remaining) {
    }

    private final long now;
    private final PodFactory factory;
    private final TreeMap<String, SimNode> nodes = new TreeMap<>();
    private final TreeSet<SimPod> pods = new TreeSet<>(SimPod.ORDER);
    private final Map<Kind, Deque<Event>> events = new HashMap<>();
    private final Map<Kind, Long> droppedUpTo = new HashMap<>();
    private final List<Watch> watches = new CopyOnWriteArrayList<>();
    /**
     * Pod lists with pages still to come, by the resource version they started at, oldest first. Like the API
     * server, a continued list answers the pods as they were when it started: the pods are copied once, on the
     * first change while such a list is open, and the copy serves every list open then.
     */
    private final LinkedHashMap<Long, OpenList> openPodLists = new LinkedHashMap<>();
    private long resourceVersion = 1000;
    /** The resource version of the last change to the pods. */
    private long lastPodChange;
    private String matchingKey;
    private long matchingCount;
    private int nodeSerial;

    ClusterState(ClusterSpec spec) {
        this.now = spec.now().getEpochSecond();
        this.factory = new PodFactory(spec.seed());
        for (Kind kind : Kind.values()) {
            events.put(kind, new ArrayDeque<>());
            droppedUpTo.put(kind, 0L);
        }
        generate(spec);
    }

    // ------------------------------------------------------------------ generation

    private void generate(ClusterSpec spec) {
        if (spec.nodes() == 0 && spec.activePods() > 0) {
            throw new IllegalArgumentException("active pods need at least one node");
        }
        SplittableRandom random = factory.random();
        int controlPlanes = spec.nodes() >= 10 ? 3 : 0;
        int workers = spec.nodes() - controlPlanes;
        int maxPods = (int) Math.max(110, spec.nodes() == 0 ? 0 : 3 * spec.activePods() / spec.nodes());
        List<SimNode> created = new ArrayList<>();
        for (int i = 1; i <= controlPlanes; i++) {
            created.add(newNode("control-plane-" + i, true, maxPods, random));
        }
        int width = Math.max(4, Integer.toString(workers).length());
        for (int i = 1; i <= workers; i++) {
            created.add(newNode("node-" + String.format("%0" + width + "d", i), false, maxPods, random));
        }
        nodeSerial = workers;
        created.forEach(n -> nodes.put(n.name(), n));

        double[] weights = new double[created.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = created.get(i).controlPlane() ? 0.15 : 0.4 + 1.2 * random.nextDouble();
        }
        int empty = (int) Math.round(workers * spec.emptyNodeShare());
        for (int i = 0; i < empty; i++) {
            weights[controlPlanes + random.nextInt(workers)] = 0;
        }
        if (Arrays.stream(weights).sum() == 0) {
            Arrays.fill(weights, 1);
        }
        double[] cumulative = new double[weights.length];
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            sum += weights[i];
            cumulative[i] = sum;
        }
        for (long i = 0; i < spec.activePods(); i++) {
            int index = Arrays.binarySearch(cumulative, random.nextDouble() * sum);
            SimNode node = created.get(Math.min(index < 0 ? -index - 1 : index, created.size() - 1));
            SimPod.Phase phase = random.nextInt(100) == 0 ? SimPod.Phase.PENDING : SimPod.Phase.RUNNING;
            addGenerated(factory.activeWorkload(node.controlPlane()), node.name(), phase, random);
        }
        for (long i = Math.round(spec.activePods() * spec.unscheduledShare()); i > 0; i--) {
            addGenerated(SimPod.Workload.DEPLOYMENT, null, SimPod.Phase.PENDING, random);
        }
        for (long i = Math.round(spec.activePods() * spec.succeededShare()); i > 0 && !created.isEmpty(); i--) {
            addGenerated(SimPod.Workload.JOB, created.get(random.nextInt(created.size())).name(),
                    SimPod.Phase.SUCCEEDED, random);
        }
        for (long i = Math.round(spec.activePods() * spec.failedShare()); i > 0 && !created.isEmpty(); i--) {
            addGenerated(SimPod.Workload.DEPLOYMENT, created.get(random.nextInt(created.size())).name(),
                    SimPod.Phase.FAILED, random);
        }
    }

    private void addGenerated(SimPod.Workload workload, String node, SimPod.Phase phase, SplittableRandom random) {
        long createdAt = now - random.nextLong(30L * 86_400);
        pods.add(factory.create(pods, workload, node, phase, createdAt, resourceVersion - random.nextInt(900)));
    }

    private SimNode newNode(String name, boolean controlPlane, int maxPods, SplittableRandom random) {
        int cores = controlPlane ? 4 : new int[] {8, 16, 16, 32}[random.nextInt(4)];
        long memoryKi = cores * 4L * 1024 * 1024 - 180_000;
        long created = now - 86_400L * (30 + random.nextInt(370));
        return new SimNode(name, controlPlane, true, false, Map.of(), random.nextLong(), cores, memoryKi, maxPods,
                created, resourceVersion - random.nextInt(900));
    }

    // ------------------------------------------------------------------ reads

    synchronized long resourceVersion() {
        return resourceVersion;
    }

    /**
     * One page of pods matching {@code selector}, after {@code afterKey}. When the list started at
     * the current resource version ({@code listVersion}), the remaining count comes from the number of
     * matching pods, counted once per selector and version, minus those served; otherwise the rest is
     * scanned.
     */
    synchronized Page<SimPod> podPage(FieldSelector selector, String namespace, String afterKey, int limit,
            long listVersion, long served) {
        NavigableSet<SimPod> source = pods;
        long version = resourceVersion;
        if (afterKey != null) {
            source = podsAt(listVersion);
            version = listVersion;
        }
        NavigableSet<SimPod> from = source;
        if (namespace != null) {
            from = source.subSet(SimPod.probe(namespace, ""), true, SimPod.probe(namespace + "\u0000", ""), false);
        }
        if (afterKey != null) {
            int slash = afterKey.indexOf('/');
            if (slash < 0) {
                throw new IllegalArgumentException("continue key is not valid: bad start key");
            }
            from = from.tailSet(SimPod.probe(afterKey.substring(0, slash), afterKey.substring(slash + 1)), false);
        }
        List<SimPod> items = new ArrayList<>(limit > 0 ? Math.min(limit, 4096) : 1024);
        Iterator<SimPod> it = from.iterator();
        while (it.hasNext() && (limit <= 0 || items.size() < limit)) {
            SimPod pod = it.next();
            if (selector.test(pod)) {
                items.add(pod);
            }
        }
        long remaining;
        if (!it.hasNext()) {
            remaining = 0;
        } else if (source == pods && (afterKey == null || listVersion == resourceVersion)) {
            String key = selector.text() + "|" + namespace + "|" + resourceVersion;
            if (!key.equals(matchingKey)) {
                matchingKey = key;
                matchingCount = count(pods, selector, namespace);
            }
            remaining = matchingCount - served - items.size();
        } else {
            remaining = 0;
            while (it.hasNext()) {
                if (selector.test(it.next())) {
                    remaining++;
                }
            }
        }
        String last = items.isEmpty() ? null : items.get(items.size() - 1).key();
        if (afterKey == null && remaining > 0) {
            openPodList(version);
        }
        return new Page<>(items, version, last, remaining);
    }

    /**
     * The pods as they were at {@code listVersion}, for a continued list.
     *
     * @throws ListExpiredException when that state is no longer kept ({@link #LIST_RETENTION} passed, or more
     *     than {@link #MAX_OPEN_LISTS} lists were opened since) and the pods have changed since
     */
    private NavigableSet<SimPod> podsAt(long listVersion) {
        forgetExpiredLists();
        OpenList open = openPodLists.get(listVersion);
        if (open != null && open.frozen != null) {
            return open.frozen;
        }
        if (open != null || listVersion >= lastPodChange) {
            // no pod changed since the list started
            return pods;
        }
        throw new ListExpiredException();
    }

    private void openPodList(long version) {
        forgetExpiredLists();
        openPodLists.putIfAbsent(version, new OpenList(System.nanoTime()));
        while (openPodLists.size() > MAX_OPEN_LISTS) {
            openPodLists.remove(openPodLists.keySet().iterator().next());
        }
    }

    private void forgetExpiredLists() {
        long now = System.nanoTime();
        openPodLists.values().removeIf(open -> now - open.startedNanos > LIST_RETENTION.toNanos());
    }

    /** Called before the pods change: lists still open keep the pods as they were. */
    private void beforePodsChange() {
        forgetExpiredLists();
        NavigableSet<SimPod> copy = null;
        for (OpenList open : openPodLists.values()) {
            if (open.frozen == null) {
                if (copy == null) {
                    copy = Collections.unmodifiableNavigableSet(new TreeSet<>(pods));
                }
                open.frozen = copy;
            }
        }
    }

    /** A pod list with pages still to come. */
    private static final class OpenList {
        final long startedNanos;
        NavigableSet<SimPod> frozen;

        OpenList(long startedNanos) {
            this.startedNanos = startedNanos;
        }
    }

    /** A continued list whose starting state is no longer kept: the API server's {@code 410 Expired}. */
    static final class ListExpiredException extends RuntimeException {
        ListExpiredException() {
            super("the list's resource version is no longer kept", null, false, false);
        }
    }

    private long count(Iterable<SimPod> candidates, FieldSelector selector, String namespace) {
        long n = 0;
        for (SimPod pod : candidates) {
            if ((namespace == null || namespace.equals(pod.namespace())) && selector.test(pod)) {
                n++;
            }
        }
        return n;
    }

    synchronized Page<SimNode> nodePage(String afterName, int limit) {
        Collection<SimNode> from = afterName == null ? nodes.values() : nodes.tailMap(afterName, false).values();
        List<SimNode> items = new ArrayList<>();
        long remaining = 0;
        for (SimNode node : from) {
            if (limit <= 0 || items.size() < limit) {
                items.add(node);
            } else {
                remaining++;
            }
        }
        String last = items.isEmpty() ? null : items.get(items.size() - 1).name();
        return new Page<>(items, resourceVersion, last, remaining);
    }

    synchronized SimNode node(String name) {
        return nodes.get(name);
    }

    synchronized List<String> nodeNames() {
        return List.copyOf(nodes.keySet());
    }

    synchronized List<SimNode> nodes() {
        return List.copyOf(nodes.values());
    }

    synchronized Map<String, Integer> activePodsByNode() {
        Map<String, Integer> counts = new TreeMap<>();
        for (SimPod pod : pods) {
            if (pod.active() && pod.scheduled()) {
                counts.merge(pod.nodeName(), 1, Integer::sum);
            }
        }
        return counts;
    }

    synchronized long count(boolean active, boolean scheduled) {
        long n = 0;
        for (SimPod pod : pods) {
            if (pod.active() == active && pod.scheduled() == scheduled) {
                n++;
            }
        }
        return n;
    }

    synchronized int podCount() {
        return pods.size();
    }

    // ------------------------------------------------------------------ node changes

    synchronized String addNode(String name) {
        String actual = name;
        if (actual == null) {
            do {
                actual = String.format("node-%04d", ++nodeSerial);
            } while (nodes.containsKey(actual));
        }
        if (nodes.containsKey(actual)) {
            throw new IllegalArgumentException("node " + actual + " exists");
        }
        int maxPods = nodes.isEmpty() ? 110 : nodes.firstEntry().getValue().maxPods();
        SimNode node = newNode(actual, false, maxPods, factory.random());
        node = new SimNode(node.name(), false, true, false, Map.of(), node.seed(), node.cpuCores(), node.memoryKi(),
                node.maxPods(), now, ++resourceVersion);
        nodes.put(actual, node);
        record(Kind.NODES, "ADDED", node, null);
        return actual;
    }

    synchronized void removeNode(String name) {
        SimNode node = requireNode(name);
        nodes.remove(name);
        long rv = ++resourceVersion;
        SimNode deleted = new SimNode(node.name(), node.controlPlane(), node.ready(), node.unschedulable(),
                node.extraLabels(), node.seed(), node.cpuCores(), node.memoryKi(), node.maxPods(),
                node.createdEpochSecond(), rv);
        record(Kind.NODES, "DELETED", deleted, node);
    }

    synchronized void setNodeReady(String name, boolean ready) {
        SimNode node = requireNode(name);
        replaceNode(node, node.withReady(ready, ++resourceVersion));
    }

    synchronized void setNodeUnschedulable(String name, boolean unschedulable) {
        SimNode node = requireNode(name);
        replaceNode(node, node.withUnschedulable(unschedulable, ++resourceVersion));
    }

    synchronized void setNodeLabel(String name, String key, String value) {
        SimNode node = requireNode(name);
        Map<String, String> labels = new TreeMap<>(node.extraLabels());
        if (value == null) {
            labels.remove(key);
        } else {
            labels.put(key, value);
        }
        replaceNode(node, node.withLabels(labels, ++resourceVersion));
    }

    private void replaceNode(SimNode old, SimNode updated) {
        nodes.put(updated.name(), updated);
        record(Kind.NODES, "MODIFIED", updated, old);
    }

    private SimNode requireNode(String name) {
        SimNode node = nodes.get(name);
        if (node == null) {
            throw new NoSuchElementException("no node " + name);
        }
        return node;
    }

    // ------------------------------------------------------------------ pod changes

    synchronized void addPods(String nodeName, int count, SimPod.Phase phase) {
        if (nodeName != null) {
            requireNode(nodeName);
        }
        if (count > 0) {
            beforePodsChange();
        }
        for (int i = 0; i < count; i++) {
            SimPod pod = factory.create(pods, SimPod.Workload.DEPLOYMENT, nodeName, phase, now, ++resourceVersion);
            lastPodChange = resourceVersion;
            pods.add(pod);
            record(Kind.PODS, "ADDED", pod, null);
        }
    }

    synchronized int removePods(String nodeName, int count) {
        List<SimPod> victims = activePodsOn(nodeName, count);
        if (!victims.isEmpty()) {
            beforePodsChange();
        }
        for (SimPod pod : victims) {
            pods.remove(pod);
            record(Kind.PODS, "DELETED", pod.withPhase(pod.phase(), ++resourceVersion), pod);
            lastPodChange = resourceVersion;
        }
        return victims.size();
    }

    synchronized int completePods(String nodeName, int count) {
        List<SimPod> victims = activePodsOn(nodeName, count);
        if (!victims.isEmpty()) {
            beforePodsChange();
        }
        for (SimPod pod : victims) {
            SimPod done = pod.withPhase(SimPod.Phase.SUCCEEDED, ++resourceVersion);
            lastPodChange = resourceVersion;
            pods.remove(pod);
            pods.add(done);
            record(Kind.PODS, "MODIFIED", done, pod);
        }
        return victims.size();
    }

    private List<SimPod> activePodsOn(String nodeName, int count) {
        List<SimPod> found = new ArrayList<>();
        for (SimPod pod : pods) {
            if (found.size() >= count) {
                break;
            }
            if (pod.active() && Objects.equals(pod.nodeName(), nodeName)) {
                found.add(pod);
            }
        }
        return found;
    }

    // ------------------------------------------------------------------ watches

    private void record(Kind kind, String type, Object object, Object previous) {
        Deque<Event> log = events.get(kind);
        Event event = new Event(resourceVersion, type, object, previous);
        log.addLast(event);
        while (log.size() > EVENT_LOG_SIZE) {
            droppedUpTo.put(kind, log.removeFirst().resourceVersion());
        }
        String nodeJson = null;
        for (Watch watch : watches) {
            if (watch.kind() != kind) {
                continue;
            }
            if (kind == Kind.NODES) {
                if (nodeJson == null) {
                    nodeJson = SimJson.nodeEvent(type, (SimNode) object);
                }
                watch.sink().send(nodeJson);
            } else {
                sendPodEvent(watch, event);
            }
        }
    }

    private static void sendPodEvent(Watch watch, Event event) {
        SimPod pod = (SimPod) event.object();
        SimPod previous = (SimPod) event.previous();
        boolean now = matches(watch, pod);
        boolean before = previous != null && matches(watch, previous);
        String type = event.type();
        if ("MODIFIED".equals(type)) {
            if (now && !before) {
                type = "ADDED";
            } else if (!now && before) {
                type = "DELETED";
            } else if (!now) {
                return;
            }
        } else if (!now && !before) {
            return;
        }
        watch.sink().send(SimJson.podEvent(type, pod));
    }

    private static boolean matches(Watch watch, SimPod pod) {
        return (watch.namespace() == null || watch.namespace().equals(pod.namespace())) && watch.selector().test(pod);
    }

    /**
     * Opens a watch: replays the changes after {@code sinceVersion} (all objects as {@code ADDED}
     * when it is absent or 0), then follows. A version older than the retained history gets the
     * API server's {@code 410 Gone} error event.
     */
    synchronized void openWatch(Kind kind, Long sinceVersion, FieldSelector selector, String namespace, WatchSink sink) {
        Watch watch = new Watch(kind, sink, selector, namespace);
        if (sinceVersion == null || sinceVersion == 0) {
            if (kind == Kind.NODES) {
                nodes.values().forEach(n -> sink.send(SimJson.nodeEvent("ADDED", n)));
            } else {
                for (SimPod pod : pods) {
                    if (matches(watch, pod)) {
                        sink.send(SimJson.podEvent("ADDED", pod));
                    }
                }
            }
        } else if (sinceVersion < droppedUpTo.get(kind)) {
            sink.send(SimJson.errorEvent(410, "Expired",
                    "too old resource version: " + sinceVersion + " (" + droppedUpTo.get(kind) + ")"));
            sink.close(1000, "too old resource version");
            return;
        } else {
            for (Event event : events.get(kind)) {
                if (event.resourceVersion() > sinceVersion) {
                    if (kind == Kind.NODES) {
                        sink.send(SimJson.nodeEvent(event.type(), (SimNode) event.object()));
                    } else {
                        sendPodEvent(watch, event);
                    }
                }
            }
        }
        watches.add(watch);
    }

    void closeWatch(WatchSink sink) {
        watches.removeIf(w -> w.sink() == sink);
    }

    synchronized int openWatches(Kind kind) {
        return (int) watches.stream().filter(w -> w.kind() == kind).count();
    }

    synchronized void closeAllWatches() {
        for (Watch watch : watches) {
            watch.sink().close(1001, "server stopping");
        }
        watches.clear();
    }
}
