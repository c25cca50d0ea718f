package io.podtally.cache;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A {@link PodCountSource} for tests: counts its calls, takes a set time, can be held at a gate, and
 * answers what the test sets.
 */
public final class CountingSource implements PodCountSource {

    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger entered = new AtomicInteger();
    private final AtomicReference<Function<String, SourceCounts>> answer;
    private volatile Duration delay = Duration.ZERO;
    private volatile CountDownLatch gate = new CountDownLatch(0);

    public CountingSource(Map<String, Integer> counts) {
        this.answer = new AtomicReference<>(cluster -> complete(counts));
    }

    public static SourceCounts complete(Map<String, Integer> counts) {
        return new SourceCounts(counts, true, 1, counts.values().stream().mapToLong(Integer::longValue).sum(),
                "paginated", null);
    }

    public static SourceCounts partial(Map<String, Integer> counts) {
        return new SourceCounts(counts, false, 1, counts.values().stream().mapToLong(Integer::longValue).sum(),
                "paginated", "page 2 timed out");
    }

    @Override
    public SourceCounts count(String cluster) {
        entered.incrementAndGet();
        try {
            if (!gate.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("gate never opened");
            }
            if (!delay.isZero()) {
                TimeUnit.MILLISECONDS.sleep(delay.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        calls.incrementAndGet();
        return answer.get().apply(cluster);
    }

    /** Calls that returned (or threw from the answer). */
    public int calls() {
        return calls.get();
    }

    /** Calls that started, including those still held at the gate. */
    public int entered() {
        return entered.get();
    }

    public CountingSource delay(Duration delay) {
        this.delay = delay;
        return this;
    }

    public CountingSource answer(Function<String, SourceCounts> answer) {
        this.answer.set(answer);
        return this;
    }

    public CountingSource answering(SourceCounts counts) {
        return answer(cluster -> counts);
    }

    public CountingSource failing(String message) {
        return answer(cluster -> {
            throw new IllegalStateException(message);
        });
    }

    /** Holds every following call until {@link #open()}. */
    public CountingSource hold() {
        this.gate = new CountDownLatch(1);
        return this;
    }

    public CountingSource open() {
        gate.countDown();
        return this;
    }
}
