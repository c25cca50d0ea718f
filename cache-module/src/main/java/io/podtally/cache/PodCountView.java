package io.podtally.cache;

import java.time.Instant;
import java.util.Map;

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
 */
public record PodCountView(
        String cluster,
        FreshnessState state,
        Map<String, Integer> counts,
        Instant fetchedAt,
        Long ageSeconds,
        Boolean complete,
        String source,
        long generation) {

    /**
     * The active pods on {@code node}: {@code null} while unknown (no counts, or a partial snapshot
     * that did not reach the node), 0 only when a complete snapshot has no pod on it.
     */
    public Integer countFor(String node) {
        if (counts == null) {
            return null;
        }
        Integer count = counts.get(node);
        if (count != null) {
            return count;
        }
        return Boolean.TRUE.equals(complete) ? 0 : null;
    }
}
