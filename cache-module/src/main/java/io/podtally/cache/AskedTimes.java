package io.podtally.cache;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When this replica's clusters were asked for: noted in memory by each read, written to the
 * {@link RecentClusters} by {@link #flush()}.
 */
final class AskedTimes {

    private static final Logger log = LoggerFactory.getLogger(AskedTimes.class);

    private final RecentClusters recent;
    private final CacheMetrics metrics;
    private final ConcurrentMap<String, Long> sinceFlush = new ConcurrentHashMap<>();
    private final AtomicBoolean failing = new AtomicBoolean();

    AskedTimes(RecentClusters recent, CacheMetrics metrics) {
        this.recent = recent;
        this.metrics = metrics;
    }

    void note(String cluster, long epochMillis) {
        sinceFlush.merge(cluster, epochMillis, Math::max);
    }

    /**
     * Writes the times noted since the last flush. When the store fails they are kept for the next
     * flush (newer asks of a cluster replace its kept time), and the failure is logged once until a
     * flush succeeds again. Never throws: it runs as a periodic task.
     */
    void flush() {
        if (sinceFlush.isEmpty()) {
            return;
        }
        Map<String, Long> batch = Map.copyOf(sinceFlush);
        Map<String, Instant> askedAt = new HashMap<>();
        batch.forEach((cluster, millis) -> askedAt.put(cluster, Instant.ofEpochMilli(millis)));
        try {
            recent.recordAsked(askedAt);
        } catch (RuntimeException e) {
            if (e instanceof StoreUnavailableException) {
                metrics.storeError("record-asked");
            } else if (e instanceof StoreKeyException refused) {
                metrics.storeError("record-asked", refused.kind().label());
            }
            if (failing.compareAndSet(false, true)) {
                log.warn("Could not write when {} clusters were last asked for ({}); kept for the next flush",
                        askedAt.size(), e.toString());
            } else {
                log.debug("Still cannot write when clusters were last asked for: {}", e.toString());
            }
            return;
        }
        batch.forEach(sinceFlush::remove);
        if (failing.compareAndSet(true, false)) {
            log.info("When clusters were last asked for is written again");
        }
    }
}
