package io.podtally.cache;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * What one read of a cluster's pod counts returns.
 *
 * @param cluster the cluster
 * @param state the freshness state
 * @param counts active pods per node, or {@code null} when nothing is known
 * @param fetchedAt when the counts were fetched, or {@code null}
 * @param ageSeconds their age at the read, or {@code null}
 * @param complete whether the counts cover the whole cluster, or {@code null} when nothing is known
 * @param source how the counts were obtained ({@code paginated}), or {@code null}
 * @param generation the snapshot's generation (0 when nothing is known)
 * @param nodeUids the uids of the nodes the counts cover, or {@code null} when the snapshot does not say
 * @param lastFailure why and when the last refresh failed or was partial, or {@code null} (none since the last
 *     complete write)
 */
public record PodCountView(
        String cluster,
        FreshnessState state,
        Map<String, Integer> counts,
        Instant fetchedAt,
        Long ageSeconds,
        Boolean complete,
        String source,
        long generation,
        Set<String> nodeUids,
        LastFailure lastFailure) {

    public PodCountView {
        nodeUids = nodeUids == null ? null : Set.copyOf(nodeUids);
    }

    /** A view without a recorded failure. */
    public PodCountView(String cluster, FreshnessState state, Map<String, Integer> counts, Instant fetchedAt,
            Long ageSeconds, Boolean complete, String source, long generation, Set<String> nodeUids) {
        this(cluster, state, counts, fetchedAt, ageSeconds, complete, source, generation, nodeUids, null);
    }

    /** A view of counts that do not say which nodes they cover. */
    public PodCountView(String cluster, FreshnessState state, Map<String, Integer> counts, Instant fetchedAt,
            Long ageSeconds, Boolean complete, String source, long generation) {
        this(cluster, state, counts, fetchedAt, ageSeconds, complete, source, generation, null);
    }

    /**
     * The active pods on {@code node}: {@code null} while unknown (no counts, or a partial snapshot
     * that did not reach the node), 0 only when a complete snapshot has no pod on it.
     */
    public Integer countFor(String node) {
        return countFor(node, null);
    }

    /**
     * The active pods on the node called {@code node} with uid {@code uid}: as {@link #countFor(String)}, and
     * {@code null} too when the counts say which nodes they cover and this uid is not among them (the node joined, or
     * was re-created under its name, after the counting began).
     */
    public Integer countFor(String node, String uid) {
        if (counts == null || !counted(uid)) {
            return null;
        }
        Integer count = counts.get(node);
        if (count != null) {
            return count;
        }
        return Boolean.TRUE.equals(complete) ? 0 : null;
    }

    /**
     * How many of the nodes with {@code uids} the counts do not cover yet, or {@code null} when that is not known (no
     * counts, or counts that do not say which nodes they cover).
     */
    public Integer uncounted(Collection<String> uids) {
        if (counts == null || nodeUids == null) {
            return null;
        }
        int uncounted = 0;
        for (String uid : uids) {
            if (!counted(uid)) {
                uncounted++;
            }
        }
        return uncounted;
    }

    private boolean counted(String uid) {
        return nodeUids == null || uid == null || nodeUids.contains(uid);
    }
}
