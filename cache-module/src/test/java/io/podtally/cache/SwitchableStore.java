package io.podtally.cache;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A store with its recent clusters that can be switched off, as an unreachable Redis would be,
 * wholly or for the asked-for times only; counts the calls it gets.
 */
final class SwitchableStore implements PodCountStore, RecentClusters {

    private final PodCountStore delegate;
    private final RecentClusters recent;
    private final AtomicInteger calls = new AtomicInteger();
    private volatile boolean down;
    private volatile boolean askedDown;
    private final AtomicInteger writesToFail = new AtomicInteger();
    private final AtomicInteger writeAttempts = new AtomicInteger();
    private volatile String refusedKey;

    SwitchableStore(PodCountStore delegate, RecentClusters recent) {
        this.delegate = delegate;
        this.recent = recent;
    }

    void down(boolean down) {
        this.down = down;
    }

    /** Fails {@link #recordAsked} and {@link #lastAsked} only. */
    void askedDown(boolean askedDown) {
        this.askedDown = askedDown;
    }

    /** Fails the next {@code count} writes only, as a Redis blip would. */
    void failWrites(int count) {
        writesToFail.set(count);
    }

    /** Refuses to delete {@code cluster}'s key, as Redis refuses a key it may not touch. */
    void refuseKey(String cluster) {
        this.refusedKey = cluster;
    }

    /** Writes tried, failed ones included. */
    int writeAttempts() {
        return writeAttempts.get();
    }

    int calls() {
        return calls.get();
    }

    @Override
    public Optional<PodCountSnapshot> read(String cluster) {
        check();
        return delegate.read(cluster);
    }

    @Override
    public WriteResult write(String cluster, PodCountSnapshot snapshot) {
        check();
        writeAttempts.incrementAndGet();
        if (writesToFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new StoreUnavailableException("write switched off", null);
        }
        return delegate.write(cluster, snapshot);
    }

    @Override
    public Optional<WriteResult> write(String cluster, PodCountSnapshot snapshot, Fence fence) {
        check();
        writeAttempts.incrementAndGet();
        if (writesToFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new StoreUnavailableException("write switched off", null);
        }
        return delegate.write(cluster, snapshot, fence);
    }

    @Override
    public void setBackoff(String cluster, Instant nextAttempt, int failures, LastFailure failure) {
        check();
        delegate.setBackoff(cluster, nextAttempt, failures, failure);
    }

    @Override
    public boolean delete(String cluster) {
        check();
        if (cluster.equals(refusedKey)) {
            throw new StoreKeyException(StoreKeyException.Kind.WRONGTYPE, "key of " + cluster + " refused", null);
        }
        return delegate.delete(cluster);
    }

    @Override
    public void recordAsked(Map<String, Instant> askedAt) {
        checkAsked();
        recent.recordAsked(askedAt);
    }

    @Override
    public Map<String, Instant> lastAsked() {
        checkAsked();
        return recent.lastAsked();
    }

    private void checkAsked() {
        check();
        if (askedDown) {
            throw new StoreUnavailableException("asked-for times switched off", null);
        }
    }

    private void check() {
        calls.incrementAndGet();
        if (down) {
            throw new StoreUnavailableException("store switched off", null);
        }
    }
}
