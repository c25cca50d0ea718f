package io.podtally.k8s.sim;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
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

    private record Watch(Kind kind, WatchSink sink, FieldSelector selector, String namespace, boolean bookmarks) {
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

    private final ClusterGenerator generator;
    private final TreeMap<String, SimNode> nodes;
    private final TreeSet<SimPod> pods;
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
        this.generator = new ClusterGenerator(spec);
        ClusterGenerator.Generated generated = generator.generate(spec, resourceVersion);
        this.nodes = generated.nodes();
        this.pods = generated.pods();
        this.nodeSerial = generated.workers();
        for (Kind kind : Kind.values()) {
            events.put(kind, new ArrayDeque<>());
            droppedUpTo.put(kind, 0L);
        }
    }

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
        SimNode node = generator.newWorker(actual, maxPods, ++resourceVersion);
        nodes.put(actual, node);
        record(Kind.NODES, "ADDED", node, null);
        return actual;
    }

    synchronized String recreateNode(String name) {
        String before = nodeUid(name);
        removeNode(name);
        addNode(name);
        String after = nodeUid(name);
        if (after.equals(before)) {
            throw new IllegalStateException("node " + name + " re-created with its old uid " + before);
        }
        return after;
    }

    synchronized String nodeUid(String name) {
        return NodeJson.uid(requireNode(name));
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

    synchronized void addPods(String nodeName, int count, SimPod.Phase phase) {
        if (nodeName != null) {
            requireNode(nodeName);
        }
        if (count > 0) {
            beforePodsChange();
        }
        for (int i = 0; i < count; i++) {
            SimPod pod = generator.newPod(pods, nodeName, phase, ++resourceVersion);
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

    synchronized int schedulePods(String nodeName, int count) {
        requireNode(nodeName);
        List<SimPod> waiting = activePodsOn(null, count);
        if (!waiting.isEmpty()) {
            beforePodsChange();
        }
        for (SimPod pod : waiting) {
            SimPod running = pod.onNode(nodeName, SimPod.Phase.RUNNING, ++resourceVersion);
            lastPodChange = resourceVersion;
            pods.remove(pod);
            pods.add(running);
            record(Kind.PODS, "MODIFIED", running, pod);
        }
        return waiting.size();
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
                    nodeJson = ListJson.nodeEvent(type, (SimNode) object);
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
        watch.sink().send(ListJson.podEvent(type, pod));
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
        openWatch(kind, sinceVersion, selector, namespace, false, sink);
    }

    /** {@link #openWatch(Kind, Long, FieldSelector, String, WatchSink)}; with {@code bookmarks} it gets {@link #sendBookmarks()}. */
    synchronized void openWatch(Kind kind, Long sinceVersion, FieldSelector selector, String namespace,
            boolean bookmarks, WatchSink sink) {
        Watch watch = new Watch(kind, sink, selector, namespace, bookmarks);
        if (sinceVersion == null || sinceVersion == 0) {
            if (kind == Kind.NODES) {
                nodes.values().forEach(n -> sink.send(ListJson.nodeEvent("ADDED", n)));
            } else {
                for (SimPod pod : pods) {
                    if (matches(watch, pod)) {
                        sink.send(ListJson.podEvent("ADDED", pod));
                    }
                }
            }
        } else if (sinceVersion < droppedUpTo.get(kind)) {
            sink.send(ListJson.errorEvent(410, "Expired",
                    "too old resource version: " + sinceVersion + " (" + droppedUpTo.get(kind) + ")"));
            sink.close(1000, "too old resource version");
            return;
        } else {
            for (Event event : events.get(kind)) {
                if (event.resourceVersion() > sinceVersion) {
                    if (kind == Kind.NODES) {
                        sink.send(ListJson.nodeEvent(event.type(), (SimNode) event.object()));
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

    /** Sends a {@code BOOKMARK} at the current resource version to every watch that allowed bookmarks. */
    synchronized void sendBookmarks() {
        for (Watch watch : watches) {
            if (watch.bookmarks()) {
                watch.sink().send(ListJson.bookmarkEvent(watch.kind() == Kind.PODS ? "Pod" : "Node", resourceVersion));
            }
        }
    }

    /**
     * Advances the resource version and forgets every change up to it, as etcd's compaction does, then ends the open
     * watches: resuming one from the version it last saw answers {@code 410 Gone}.
     */
    synchronized void compact() {
        long compactedTo = ++resourceVersion;
        for (Kind kind : Kind.values()) {
            events.get(kind).clear();
            droppedUpTo.put(kind, compactedTo);
        }
        endWatches();
    }

    /** Ends every open watch normally, as the API server's watch timeout does. */
    synchronized void endWatches() {
        for (Watch watch : watches) {
            watch.sink().close(1000, "watch closed");
        }
        watches.clear();
    }

    synchronized void closeAllWatches() {
        for (Watch watch : watches) {
            watch.sink().close(1001, "server stopping");
        }
        watches.clear();
    }
}
