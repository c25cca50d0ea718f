package io.podtally.cache.memory;

import io.podtally.cache.RefreshLock;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/** A {@link RefreshLock} for a single replica (the in-memory store). */
public final class LocalRefreshLock implements RefreshLock {

    private final ConcurrentMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    @Override
    public Optional<Held> tryLock(String cluster) {
        ReentrantLock lock = locks.computeIfAbsent(cluster, c -> new ReentrantLock());
        if (!lock.tryLock()) {
            return Optional.empty();
        }
        return Optional.of(() -> {
            if (lock.isHeldByCurrentThread()) {
                lock.unlock();
            }
        });
    }
}
