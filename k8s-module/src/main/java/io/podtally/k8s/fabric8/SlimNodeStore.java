package io.podtally.k8s.fabric8;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.podtally.k8s.NodeView;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The node informer's item store. It turns every node the informer receives into a {@link NodeView}
 * and keeps, for the informer itself, only a stub with the node's name and resource version (all
 * the informer needs to tell updates apart and to drop nodes missing from a relist). Full nodes,
 * with their images and managed fields, are never retained.
 */
final class SlimNodeStore implements ItemStore<Node> {

    private final Map<String, Node> stubs = new ConcurrentHashMap<>();
    private final Map<String, NodeView> views = new ConcurrentHashMap<>();
    private final AtomicLong version = new AtomicLong();
    private volatile Snapshot snapshot = new Snapshot(0, List.of());

    private record Snapshot(long version, List<NodeView> nodes) {
    }

    @Override
    public String getKey(Node node) {
        return node.getMetadata().getName();
    }

    @Override
    public Node put(String key, Node node) {
        NodeView view = NodeViews.from(node);
        Node previous = stubs.put(key, stub(node));
        NodeView previousView = views.put(key, view);
        if (!view.equals(previousView)) {
            version.incrementAndGet();
        }
        return previous;
    }

    @Override
    public Node remove(String key) {
        Node previous = stubs.remove(key);
        if (views.remove(key) != null) {
            version.incrementAndGet();
        }
        return previous;
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

    long version() {
        return version.get();
    }

    /** The nodes sorted by name; rebuilt only after a change. */
    List<NodeView> list() {
        long current = version.get();
        Snapshot s = snapshot;
        if (s.version() == current) {
            return s.nodes();
        }
        List<NodeView> nodes = views.values().stream().sorted(Comparator.comparing(NodeView::name)).toList();
        snapshot = new Snapshot(current, nodes);
        return nodes;
    }

    Optional<NodeView> view(String name) {
        return Optional.ofNullable(views.get(name));
    }

    private static Node stub(Node node) {
        return new NodeBuilder()
                .withNewMetadata()
                .withName(node.getMetadata().getName())
                .withResourceVersion(node.getMetadata().getResourceVersion())
                .endMetadata()
                .build();
    }
}
