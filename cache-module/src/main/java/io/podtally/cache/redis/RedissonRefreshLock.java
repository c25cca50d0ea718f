package io.podtally.cache.redis;

import io.podtally.cache.Fence;
import io.podtally.cache.RefreshLock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link RefreshLock} across replicas: a Redisson lock {@code podtally:{C}:refresh-lock} taken
 * without waiting and without a lease, so Redisson's watchdog keeps it while the holder lives
 * (however long the refresh takes) and lets it lapse within the watchdog timeout when the holder
 * dies.
 *
 * <p>{@link Held#stillHeld()} asks Redis whether the lock still belongs to the thread that took it (this client's id
 * and that thread's); while Redis cannot be reached it answers {@code true} only until the watchdog timeout has
 * passed since the lock was last confirmed, as the key cannot have expired before then. {@link Held#fence()} names the
 * same field, so the write script checks it in the same step as the write.
 */
public final class RedissonRefreshLock implements RefreshLock {

    private static final Logger log = LoggerFactory.getLogger(RedissonRefreshLock.class);

    private final RedissonClient redisson;
    private final long watchdogNanos;

    public RedissonRefreshLock(RedissonClient redisson) {
        this.redisson = Objects.requireNonNull(redisson, "redisson");
        this.watchdogNanos = TimeUnit.MILLISECONDS.toNanos(redisson.getConfig().getLockWatchdogTimeout());
    }

    /** The lock of a cluster: {@code podtally:{C}:refresh-lock}. */
    public static String lockName(String cluster) {
        return "podtally:{" + cluster + "}:refresh-lock";
    }

    @Override
    public Optional<Held> tryLock(String cluster) {
        RLock lock = redisson.getLock(lockName(cluster));
        boolean acquired;
        try {
            acquired = lock.tryLock(0, -1, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (RedisException e) {
            throw RedisErrors.translate("Taking " + lockName(cluster), e);
        }
        if (!acquired) {
            return Optional.empty();
        }
        long threadId = Thread.currentThread().getId();
        return Optional.of(new RedissonHeld(lock, threadId, new Fence(lock.getName(), redisson.getId() + ":" + threadId),
                watchdogNanos));
    }

    private static final class RedissonHeld implements Held {

        private final RLock lock;
        private final long threadId;
        private final Fence fence;
        private final long watchdogNanos;
        private volatile long confirmedAt = System.nanoTime();

        RedissonHeld(RLock lock, long threadId, Fence fence, long watchdogNanos) {
            this.lock = lock;
            this.threadId = threadId;
            this.fence = fence;
            this.watchdogNanos = watchdogNanos;
        }

        @Override
        public Fence fence() {
            return fence;
        }

        @Override
        public boolean stillHeld() {
            try {
                boolean held = lock.isHeldByThread(threadId);
                if (held) {
                    confirmedAt = System.nanoTime();
                }
                return held;
            } catch (RedisException e) {
                if (RedisErrors.isKeyError(e)) {
                    log.warn("{} cannot be checked ({}); counted as lost", lock.getName(), e.getMessage());
                    return false;
                }
                boolean withinWatchdog = System.nanoTime() - confirmedAt < watchdogNanos;
                log.debug("Checking {} failed ({}); {}", lock.getName(), e.getMessage(),
                        withinWatchdog ? "it cannot have lapsed yet" : "counted as lost");
                return withinWatchdog;
            }
        }

        @Override
        public void close() {
            release(lock);
        }
    }

    private static void release(RLock lock) {
        // A refresh stopped by shutdown ends interrupted; Redisson refuses to wait for the unlock then, and the
        // other replicas would wait for the watchdog. The flag is put back once the lock is released.
        boolean interrupted = Thread.interrupted();
        try {
            if (lock.isHeldByCurrentThread()) {
                lock.unlock();
            }
        } catch (IllegalMonitorStateException e) {
            // the key vanished after the check (Redis restarted, failed over, or the watchdog could not renew it)
            log.warn("{} had lapsed before it was released; nothing to release", lock.getName());
        } catch (RedisException e) {
            log.warn("Releasing {} failed; it lapses within the watchdog timeout: {}", lock.getName(), e.getMessage());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
