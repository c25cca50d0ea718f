package io.podtally.k8s.fabric8;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.podtally.k8s.Fingerprints;
import io.podtally.k8s.NodeCache;
import io.podtally.k8s.NodeView;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The node informer's item store. It turns every node the informer receives into a {@link NodeView}
 * and keeps, for the informer itself, only a stub with the node's name, uid and resource version
 * (all the informer needs to tell updates apart and to drop nodes missing from a relist). Full nodes,
 * with their images and managed fields, are never retained.
 */
final class SlimNodeStore implements ItemStore<Node> {

    private final Map<String, Node> stubs = new ConcurrentHashMap<>();
    private final Map<String, NodeView> views = new ConcurrentHashMap<>();
    /** {@link Fingerprints#node} of each view held, so that a change subtracts the old one without hashing it again. */
    private final Map<String, Long> hashes = new HashMap<>();
    private final Object writes = new Object();
    private volatile long fingerprint;
    private volatile long changes;
    private volatile Built built = new Built(0, NodeCache.Snapshot.EMPTY);

    private record Built(long changes, NodeCache.Snapshot snapshot) {
    }

    @Override
    public String getKey(Node node) {
        return node.getMetadata().getName();
    }

    @Override
    public Node put(String key, Node node) {
        NodeView view = NodeViews.from(node);
        synchronized (writes) {
            Node previous = stubs.put(key, stub(node));
            NodeView previousView = views.put(key, view);
            if (!view.equals(previousView)) {
                long hash = Fingerprints.node(view);
                Long previousHash = hashes.put(key, hash);
                fingerprint = fingerprint + hash - (previousHash == null ? 0 : previousHash);
                changes++;
            }
            return previous;
        }
    }

    @Override
    public Node remove(String key) {
        synchronized (writes) {
            Node previous = stubs.remove(key);
            Long removedHash = hashes.remove(key);
            if (views.remove(key) != null) {
                fingerprint -= removedHash;
                changes++;
            }
            return previous;
        }
    }

    @Override
    public Stream<String> keySet() {
        return stubs.keySet().stream();
    }

    @Override
    public Stream<Node> values() {
        return stubs.values().stream();
    }

    @Override
    public int size() {
        return stubs.size();
    }

    @Override
    public Node get(String key) {
        return stubs.get(key);
    }

    /**
     * The sum (mod 2<sup>64</sup>) of {@link Fingerprints#node} over the nodes held: kept up to date on every change,
     * equal for the same nodes whatever order they arrived in.
     */
    long fingerprint() {
        return fingerprint;
    }

    /** The nodes sorted by name with their fingerprint, read together; rebuilt only after a change. */
    NodeCache.Snapshot snapshot() {
        Built current = built;
        if (current.changes() == changes) {
            return current.snapshot();
        }
        NodeView[] nodes;
        long takenAt;
        long takenFingerprint;
        synchronized (writes) {
            takenAt = changes;
            takenFingerprint = fingerprint;
            nodes = views.values().toArray(NodeView[]::new);
        }
        Arrays.sort(nodes, Comparator.comparing(NodeView::name));
        NodeCache.Snapshot snapshot = new NodeCache.Snapshot(List.of(nodes), takenFingerprint);
        built = new Built(takenAt, snapshot);
        return snapshot;
    }

    Optional<NodeView> view(String name) {
        return Optional.ofNullable(views.get(name));
    }

    private static Node stub(Node node) {
        return new NodeBuilder()
                .withNewMetadata()
                .withName(node.getMetadata().getName())
                .withUid(node.getMetadata().getUid())
                .withResourceVersion(node.getMetadata().getResourceVersion())
                .endMetadata()
                .build();
    }
}
