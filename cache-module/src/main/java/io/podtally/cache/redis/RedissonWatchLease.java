package io.podtally.cache.redis;

import io.podtally.cache.Fence;
import io.podtally.cache.PodCountSnapshot;
import io.podtally.cache.PodCountStore;
import io.podtally.cache.StoreUnavailableException;
import io.podtally.cache.WatchLease;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The {@link WatchLease} in Redis: a Redisson lock {@code podtally:{C}:watch-lease} taken without a lease time, so
 * Redisson's watchdog renews it while the replica lives and it lapses within the watchdog timeout when the replica
 * dies. Each lease is held under an owner id of its own rather than a thread's, so the scheduler that checks and
 * releases it need not be the thread that took it. Who holds it is published beside it, in
 * {@code podtally:{C}:watch-holder} (replica, since, state; it expires with the holder's heartbeat).
 *
 * <p>A holder's writes are fenced in Redis: the write script and the script that publishes the holder check that the
 * lease hash still has the holder's field ({@code <Redisson client id>:<owner id>}, as Redisson names a lock's owner)
 * and write nothing otherwise.
 */
public final class RedissonWatchLease implements WatchLease {

    private static final Logger log = LoggerFactory.getLogger(RedissonWatchLease.class);
    private static final long TIMEOUT_MS = 5_000;
    /** Owner ids far from any thread id, so a lease never looks held by a thread of this replica. */
    private static final AtomicLong OWNERS = new AtomicLong(1L << 62);
    private static final RedisScript<Long> DESCRIBE = LuaScripts.load("describe-holder.lua", Long.class);

    private final RedissonClient redisson;
    private final StringRedisTemplate redis;
    private final RedisPodCountStore store;

    /**
     * @param redisson takes and renews the leases
     * @param redis publishes the holders
     * @param store where a holder's fenced writes go
     */
    public RedissonWatchLease(RedissonClient redisson, StringRedisTemplate redis, RedisPodCountStore store) {
        this.redisson = Objects.requireNonNull(redisson, "redisson");
        this.redis = Objects.requireNonNull(redis, "redis");
        this.store = Objects.requireNonNull(store, "store");
    }

    /** The lease of a cluster: {@code podtally:{C}:watch-lease}. */
    public static String leaseName(String cluster) {
        return "podtally:{" + cluster + "}:watch-lease";
    }

    /** Who holds the lease of a cluster: {@code podtally:{C}:watch-holder}. */
    public static String holderKey(String cluster) {
        return "podtally:{" + cluster + "}:watch-holder";
    }

    @Override
    public Optional<Held> tryAcquire(String cluster) {
        RLock lock = redisson.getLock(leaseName(cluster));
        long owner = OWNERS.incrementAndGet();
        boolean acquired;
        try {
            acquired = lock.tryLockAsync(0, -1, TimeUnit.MILLISECONDS, owner).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException | TimeoutException | RedisException e) {
            throw new StoreUnavailableException("Taking " + leaseName(cluster) + " failed: " + e.getMessage(), e);
        }
        return acquired ? Optional.of(new RedissonHeld(cluster, lock, owner, redisson.getId() + ":" + owner))
                : Optional.empty();
    }

    @Override
    public boolean isHeld(String cluster) {
        try {
            return redisson.getLock(leaseName(cluster)).isLocked();
        } catch (RedisException e) {
            throw new StoreUnavailableException("Reading " + leaseName(cluster) + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Holder> holder(String cluster) {
        String value;
        try {
            if (!isHeld(cluster)) {
                return Optional.empty();
            }
            value = redis.opsForValue().get(holderKey(cluster));
        } catch (DataAccessException e) {
            throw new StoreUnavailableException("Reading " + holderKey(cluster) + " failed: "
                    + e.getMostSpecificCause().getMessage(), e);
        }
        if (value == null) {
            return Optional.empty();
        }
        List<String> parts = List.of(value.split("\n", -1));
        if (parts.size() != 3) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Holder(parts.get(0), Instant.ofEpochMilli(Long.parseLong(parts.get(1))),
                    parts.get(2)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private final class RedissonHeld implements Held {
        private final String cluster;
        private final RLock lock;
        private final long owner;
        private final String field;

        RedissonHeld(String cluster, RLock lock, long owner, String field) {
            this.cluster = cluster;
            this.lock = lock;
            this.owner = owner;
            this.field = field;
        }

        @Override
        public Optional<PodCountStore.WriteResult> write(PodCountSnapshot snapshot) {
            return store.write(cluster, snapshot, new Fence(lock.getName(), field));
        }

        @Override
        public boolean describe(Holder holder, Duration ttl) {
            String value = String.join("\n", holder.replica(), Long.toString(holder.since().toEpochMilli()),
                    holder.state());
            Long written;
            try {
                written = redis.execute(DESCRIBE, List.of(lock.getName(), holderKey(cluster)), field, value,
                        Long.toString(ttl.toMillis()));
            } catch (DataAccessException e) {
                throw new StoreUnavailableException("Writing " + holderKey(cluster) + " failed: "
                        + e.getMostSpecificCause().getMessage(), e);
            }
            return written != null && written == 1L;
        }

        @Override
        public boolean stillHeld() {
            try {
                return lock.isHeldByThread(owner);
            } catch (RedisException e) {
                throw new StoreUnavailableException("Reading " + lock.getName() + " failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void release() {
            try {
                lock.unlockAsync(owner).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof IllegalMonitorStateException)) {
                    log.warn("Releasing {} failed; it lapses within the watchdog timeout: {}", lock.getName(),
                            e.getCause().getMessage());
                }
            } catch (TimeoutException | RedisException e) {
                log.warn("Releasing {} failed; it lapses within the watchdog timeout: {}", lock.getName(),
                        e.getMessage());
            }
        }
    }
}
