package io.podtally.cache;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** A store that can be switched off, as an unreachable Redis would be; counts the calls it gets. */
final class SwitchableStore implements PodCountStore {

    private final PodCountStore delegate;
    private final AtomicInteger calls = new AtomicInteger();
    private volatile boolean down;

    SwitchableStore(PodCountStore delegate) {
        this.delegate = delegate;
    }

    void down(boolean down) {
        this.down = down;
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
        return delegate.write(cluster, snapshot);
    }

    @Override
    public void setBackoff(String cluster, Instant nextAttempt, int failures) {
        check();
        delegate.setBackoff(cluster, nextAttempt, failures);
    }

    @Override
    public boolean delete(String cluster) {
        check();
        return delegate.delete(cluster);
    }

    private void check() {
        calls.incrementAndGet();
        if (down) {
            throw new StoreUnavailableException("store switched off", null);
        }
    }
}
