package io.podtally.k8s;

import io.podtally.k8s.NodeMetricsCache.NodeUsage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Content fingerprints that are the same on every replica holding the same data, whatever the order it arrived in.
 *
 * <p>One item's hash is the first 8 bytes (big-endian) of the SHA-256 of a canonical encoding of its fields: a
 * format byte ({@code 1} for a {@link NodeView}, {@code 2} for a usage sample), then each field in declaration order;
 * a string is the byte {@code 0} when {@code null}, else {@code 1}, its UTF-8 length and its bytes; a boolean the
 * byte {@code 0} or {@code 1}; an instant {@code 0} when {@code null}, else {@code 1}, its epoch second (8 bytes) and
 * nanosecond (4 bytes); a list its size and its elements in order, each record's fields in declaration order; a map
 * its size and its entries (key, value) in ascending key order. Sizes, lengths and numbers are big-endian, 4 bytes
 * unless said otherwise.
 *
 * <p>A set of items is fingerprinted as the sum (mod 2<sup>64</sup>) of their hashes, so that adding, replacing or
 * removing one item updates the fingerprint in O(1) and the order of insertion does not matter.
 * {@code Object.hashCode} is never used: its combination is unspecified.
 */
public final class Fingerprints {

    private static final byte NODE_FORMAT = 1;
    private static final byte USAGE_FORMAT = 2;

    private Fingerprints() {
    }

    /**
     * The hash of one node's content: every field the node list serves, and its uid, on which its pod count depends
     * (a node re-created under the same name is a change).
     */
    public static long node(NodeView node) {
        Encoder e = new Encoder(NODE_FORMAT);
        e.string(node.name());
        e.map(node.labels());
        List<NodeView.Taint> taints = node.taints();
        e.size(taints.size());
        for (NodeView.Taint taint : taints) {
            e.string(taint.key());
            e.string(taint.value());
            e.string(taint.effect());
        }
        e.bool(node.unschedulable());
        List<NodeView.Condition> conditions = node.conditions();
        e.size(conditions.size());
        for (NodeView.Condition condition : conditions) {
            e.string(condition.type());
            e.string(condition.status());
            e.string(condition.reason());
            e.string(condition.message());
            e.instant(condition.lastTransitionTime());
        }
        e.string(node.internalIp());
        e.string(node.externalIp());
        e.map(node.capacity());
        e.map(node.allocatable());
        e.string(node.kubeletVersion());
        e.string(node.osImage());
        e.string(node.kernelVersion());
        e.string(node.containerRuntimeVersion());
        e.instant(node.createdAt());
        e.string(node.uid());
        return e.hash();
    }

    /** The hash of one node's usage sample. */
    public static long usage(String nodeName, NodeUsage usage) {
        Encoder e = new Encoder(USAGE_FORMAT);
        e.string(nodeName);
        e.string(usage.cpu());
        e.string(usage.memory());
        e.instant(usage.timestamp());
        return e.hash();
    }

    /** The fingerprint of a set of usage samples by node name: the sum of their hashes; 0 when empty. */
    public static long usages(Map<String, NodeUsage> usageByNode) {
        long sum = 0;
        for (Map.Entry<String, NodeUsage> entry : usageByNode.entrySet()) {
            sum += usage(entry.getKey(), entry.getValue());
        }
        return sum;
    }

    /** Writes fields into a SHA-256 digest in the canonical encoding. */
    private static final class Encoder {

        private final MessageDigest digest = sha256();
        private final ByteBuffer scratch = ByteBuffer.allocate(Long.BYTES);

        Encoder(byte format) {
            digest.update(format);
        }

        void string(String value) {
            if (value == null) {
                digest.update((byte) 0);
                return;
            }
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            digest.update((byte) 1);
            size(bytes.length);
            digest.update(bytes);
        }

        void bool(boolean value) {
            digest.update(value ? (byte) 1 : (byte) 0);
        }

        void instant(Instant value) {
            if (value == null) {
                digest.update((byte) 0);
                return;
            }
            digest.update((byte) 1);
            scratch.clear();
            scratch.putLong(value.getEpochSecond());
            digest.update(scratch.array(), 0, Long.BYTES);
            size(value.getNano());
        }

        void size(int value) {
            scratch.clear();
            scratch.putInt(value);
            digest.update(scratch.array(), 0, Integer.BYTES);
        }

        void map(Map<String, String> map) {
            size(map.size());
            new TreeMap<>(map).forEach((key, value) -> {
                string(key);
                string(value);
            });
        }

        long hash() {
            return ByteBuffer.wrap(digest.digest()).getLong();
        }

        private static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
            }
        }
    }
}
