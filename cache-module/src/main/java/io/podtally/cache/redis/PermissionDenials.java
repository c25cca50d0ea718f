package io.podtally.cache.redis;

import io.podtally.cache.Fence;
import io.podtally.cache.LastFailure;
import io.podtally.cache.PodCountSnapshot;
import io.podtally.cache.PodCountStore;
import io.podtally.cache.RecentClusters;
import io.podtally.cache.RefreshLock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers that Redis refused a write of the store, the recent clusters or the lock with {@code NOPERM} (an ACL user
 * without a command, key or channel podtally needs; inside a Lua script Redis says {@code The user executing the
 * script can't …} instead), until a write or a lock succeeds again. A {@code PING} answers for such a user, so this
 * is what tells health that writes fail on permissions rather than on an outage.
 */
final class PermissionDenials {

    private static final Logger log = LoggerFactory.getLogger(PermissionDenials.class);
    private static final String NOPERM = "NOPERM";
    /* How Redis words a refusal inside a Lua script, where it does not say NOPERM. */
    private static final String SCRIPT_REFUSED = "The user executing the script can't";
    private static final int MAX_LENGTH = 300;

    private final AtomicReference<String> denied = new AtomicReference<>();

    /** The last refusal, {@code NOPERM …} with the operation, or {@code null} since the last successful write. */
    String denied() {
        return denied.get();
    }

    PodCountStore watch(PodCountStore store) {
        return new PodCountStore() {
            @Override
            public Optional<PodCountSnapshot> read(String cluster) {
                return store.read(cluster);
            }

            @Override
            public WriteResult write(String cluster, PodCountSnapshot snapshot) {
                return watched(() -> store.write(cluster, snapshot));
            }

            @Override
            public Optional<WriteResult> write(String cluster, PodCountSnapshot snapshot, Fence fence) {
                return watched(() -> store.write(cluster, snapshot, fence));
            }

            @Override
            public void setBackoff(String cluster, Instant nextAttempt, int failures, LastFailure failure) {
                watched(() -> {
                    store.setBackoff(cluster, nextAttempt, failures, failure);
                    return null;
                });
            }

            @Override
            public boolean delete(String cluster) {
                return watched(() -> store.delete(cluster));
            }
        };
    }

    RecentClusters watch(RecentClusters recent) {
        return new RecentClusters() {
            @Override
            public void recordAsked(Map<String, Instant> askedAt) {
                watched(() -> {
                    recent.recordAsked(askedAt);
                    return null;
                });
            }

            @Override
            public Map<String, Instant> lastAsked() {
                return recent.lastAsked();
            }
        };
    }

    RefreshLock watch(RefreshLock lock) {
        return cluster -> {
            Optional<RefreshLock.Held> held = watched(() -> lock.tryLock(cluster), false);
            if (held.isPresent()) {
                granted();
            }
            return held;
        };
    }

    private <T> T watched(Supplier<T> write) {
        return watched(write, true);
    }

    /* A lock found taken ran no write: it tells nothing about permissions. */
    private <T> T watched(Supplier<T> write, boolean grantedOnSuccess) {
        T result;
        try {
            result = write.get();
        } catch (RuntimeException e) {
            String refusal = refusal(e);
            if (refusal != null && !refusal.equals(denied.getAndSet(refusal))) {
                log.warn("Redis refuses podtally's writes: {}. Reads are served; writes answer unavailable until the "
                        + "ACL user may run the commands podtally needs on podtally:* keys and channels", refusal);
            }
            throw e;
        }
        if (grantedOnSuccess) {
            granted();
        }
        return result;
    }

    private void granted() {
        if (denied.getAndSet(null) != null) {
            log.info("Redis accepts podtally's writes again");
        }
    }

    private static String refusal(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            String message = cause.getMessage();
            if (message != null) {
                int at = message.indexOf(NOPERM);
                if (at >= 0) {
                    return shortened(message.substring(at));
                }
                at = message.indexOf(SCRIPT_REFUSED);
                if (at >= 0) {
                    return NOPERM + " " + shortened(message.substring(at));
                }
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return null;
    }

    /** Without what Redisson appends (the channel, the whole command with its script). */
    private static String shortened(String message) {
        int end = message.indexOf(". channel:");
        String text = end < 0 ? message : message.substring(0, end);
        return text.length() <= MAX_LENGTH ? text : text.substring(0, MAX_LENGTH) + "…";
    }
}
