package io.podtally.cache.memory;

import io.podtally.cache.Fence;
import io.podtally.cache.RefreshLock;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link RefreshLock} for a single replica (the in-memory store). Each hold has an owner of its own; the
 * {@link InMemoryPodCountStore} built on this lock checks a fenced write against {@link #holds(Fence)}.
 */
public final class LocalRefreshLock implements RefreshLock {

    private final ConcurrentMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Fence> holders = new ConcurrentHashMap<>();
    private final AtomicLong owners = new AtomicLong();

    @Override
    public Optional<Held> tryLock(String cluster) {
        ReentrantLock lock = locks.computeIfAbsent(cluster, c -> new ReentrantLock());
        if (!lock.tryLock()) {
            return Optional.empty();
        }
        if (lock.getHoldCount() > 1) {
            // held already, by this thread: one holder per cluster, as across replicas
            lock.unlock();
            return Optional.empty();
        }
        Fence fence = new Fence("podtally:{" + cluster + "}:refresh-lock", "local:" + owners.incrementAndGet());
        holders.put(fence.lock(), fence);
        return Optional.of(new Held() {
            @Override
            public Fence fence() {
                return fence;
            }

            @Override
            public void close() {
                if (lock.isHeldByCurrentThread()) {
                    holders.remove(fence.lock(), fence);
                    lock.unlock();
                }
            }
        });
    }

    /** Whether the lock {@code fence} names is held by the fence's holder now. */
    boolean holds(Fence fence) {
        return fence.equals(holders.get(fence.lock()));
    }
}
