package io.podtally.cache;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** After a store failure, answers "do not try" for a short while so that requests do not pile up. */
final class CircuitBreaker {

    private final long openForNanos;
    private final LongSupplier nanoTime;
    private final AtomicLong openUntil = new AtomicLong(Long.MIN_VALUE);
    private volatile boolean open;

    CircuitBreaker(Duration openFor, LongSupplier nanoTime) {
        this.openForNanos = openFor.toNanos();
        this.nanoTime = nanoTime;
    }

    boolean allows() {
        return !open || nanoTime.getAsLong() - openUntil.get() >= 0;
    }

    /** Records a failure; returns whether the circuit was closed before. */
    boolean failed() {
        openUntil.set(nanoTime.getAsLong() + openForNanos);
        boolean wasClosed = !open;
        open = true;
        return wasClosed;
    }

    /** Records a success; returns whether the circuit was open before. */
    boolean succeeded() {
        boolean wasOpen = open;
        open = false;
        return wasOpen;
    }
}
