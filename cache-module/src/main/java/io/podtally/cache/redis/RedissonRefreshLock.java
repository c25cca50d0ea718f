package io.podtally.cache.redis;

import io.podtally.cache.RefreshLock;
import io.podtally.cache.StoreUnavailableException;
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
 */
public final class RedissonRefreshLock implements RefreshLock {

    private static final Logger log = LoggerFactory.getLogger(RedissonRefreshLock.class);

    private final RedissonClient redisson;

    public RedissonRefreshLock(RedissonClient redisson) {
        this.redisson = Objects.requireNonNull(redisson, "redisson");
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
            throw new StoreUnavailableException("Taking " + lockName(cluster) + " failed: " + e.getMessage(), e);
        }
        if (!acquired) {
            return Optional.empty();
        }
        return Optional.of(() -> release(lock));
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
