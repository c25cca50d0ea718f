package io.podtally.k8s.fabric8;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the pod watch keeps per active pod: a 64-bit hash of its key (uid) and the index of its node, in an
 * open-addressing table (12 bytes a slot, at most half full), plus the count per node. No pod object, label or
 * string per pod is kept. Two keys with the same 64-bit hash (about one chance in 10^9 among 150,000 pods) would be
 * taken for one pod. Not thread-safe: the watch guards it.
 */
final class SlimPodStore {

    /** The node index of an active pod without {@code spec.nodeName}. */
    private static final int UNSCHEDULED = 0;
    private static final long EMPTY = 0;

    private final List<String> nodeNames = new ArrayList<>(List.of(""));
    private final Map<String, Integer> nodeIndex = new HashMap<>();
    private int[] nodeCounts = new int[16];
    private long[] keys = new long[64];
    private int[] nodes = new int[64];
    private int size;

    /** The pod {@code key} is active on {@code nodeName} ({@code null}: not scheduled yet). */
    void put(String key, String nodeName) {
        int node = nodeName == null || nodeName.isEmpty() ? UNSCHEDULED : index(nodeName);
        long hash = hash(key);
        int slot = slot(hash);
        if (keys[slot] == hash) {
            nodeCounts[nodes[slot]]--;
        } else {
            keys[slot] = hash;
            size++;
        }
        nodes[slot] = node;
        nodeCounts[node]++;
        if (size * 2 > keys.length) {
            grow();
        }
    }

    /** The pod {@code key} is gone or no longer active. */
    void remove(String key) {
        long hash = hash(key);
        int slot = slot(hash);
        if (keys[slot] != hash) {
            return;
        }
        nodeCounts[nodes[slot]]--;
        size--;
        int mask = keys.length - 1;
        int hole = slot;
        for (int next = (hole + 1) & mask; keys[next] != EMPTY; next = (next + 1) & mask) {
            int home = home(keys[next]);
            if (((next - home) & mask) >= ((next - hole) & mask)) {
                keys[hole] = keys[next];
                nodes[hole] = nodes[next];
                hole = next;
            }
        }
        keys[hole] = EMPTY;
    }

    /** Active pods, scheduled or not. */
    int pods() {
        return size;
    }

    /** Active pods without a node. */
    int unscheduled() {
        return nodeCounts[UNSCHEDULED];
    }

    /** Active pods per node, for nodes with at least one. */
    Map<String, Integer> countsByNode() {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 1; i < nodeNames.size(); i++) {
            if (nodeCounts[i] > 0) {
                counts.put(nodeNames.get(i), nodeCounts[i]);
            }
        }
        return counts;
    }

    private int index(String nodeName) {
        Integer known = nodeIndex.get(nodeName);
        if (known != null) {
            return known;
        }
        int index = nodeNames.size();
        nodeNames.add(nodeName);
        nodeIndex.put(nodeName, index);
        if (index >= nodeCounts.length) {
            nodeCounts = Arrays.copyOf(nodeCounts, nodeCounts.length * 2);
        }
        return index;
    }

    private int slot(long hash) {
        int mask = keys.length - 1;
        int slot = home(hash);
        while (keys[slot] != EMPTY && keys[slot] != hash) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private int home(long hash) {
        return (int) (hash ^ (hash >>> 32)) & (keys.length - 1);
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldNodes = nodes;
        keys = new long[oldKeys.length * 2];
        nodes = new int[oldKeys.length * 2];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                int slot = slot(oldKeys[i]);
                keys[slot] = oldKeys[i];
                nodes[slot] = oldNodes[i];
            }
        }
    }

    /** FNV-1a over the key's UTF-8 bytes, then MurmurHash3's finaliser; never {@link #EMPTY}. */
    static long hash(String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h == EMPTY ? 1 : h;
    }
}
