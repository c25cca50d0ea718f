package io.podtally.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;

/** The cache's meters; their names and tags are documented in {@code docs/cache.md}. */
final class CacheMetrics {

    static final String READS = "podtally.podcounts.reads";
    static final String REFRESH = "podtally.podcounts.refresh";
    static final String PARTIAL = "podtally.podcounts.partial";
    static final String LOCK = "podtally.podcounts.lock";
    static final String STORE_ERRORS = "podtally.podcounts.store.errors";
    static final String REFRESH_ACTIVE = "podtally.podcounts.refresh.active";
    static final String REFRESH_REJECTED = "podtally.podcounts.refresh.rejected";
    /** The {@code kind} of a store error that is an outage. */
    static final String UNAVAILABLE = "unavailable";
    static final String WRITE_RETRIES = "podtally.podcounts.write.retries";
    static final String AGE = "podtally.podcounts.age";

    private final MeterRegistry registry;
    private final AtomicInteger active = new AtomicInteger();
    private final Set<String> aged = ConcurrentHashMap.newKeySet();

    CacheMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder(REFRESH_ACTIVE, active, AtomicInteger::get)
                .description("Refreshes running in this replica")
                .register(registry);
    }

    void read(String cluster, FreshnessState state) {
        Counter.builder(READS)
                .description("Pod-count reads by freshness state")
                .tag("cluster", cluster)
                .tag("state", state.label())
                .register(registry)
                .increment();
    }

    void refresh(String cluster, RefreshOutcome outcome, Duration duration) {
        Timer.builder(REFRESH)
                .description("Pod-count refresh attempts by outcome")
                .tag("cluster", cluster)
                .tag("outcome", outcome.label())
                .register(registry)
                .record(duration);
        if (outcome == RefreshOutcome.PARTIAL) {
            Counter.builder(PARTIAL)
                    .description("Refreshes that delivered partial counts")
                    .tag("cluster", cluster)
                    .register(registry)
                    .increment();
        }
    }

    void lock(String cluster, boolean acquired) {
        Counter.builder(LOCK)
                .description("Attempts to take a cluster's refresh lock")
                .tag("cluster", cluster)
                .tag("acquired", Boolean.toString(acquired))
                .register(registry)
                .increment();
    }

    void writeRetry(String cluster) {
        Counter.builder(WRITE_RETRIES)
                .description("Writes of counted pods retried after a store failure")
                .tag("cluster", cluster)
                .register(registry)
                .increment();
    }

    void storeError(String operation) {
        storeError(operation, UNAVAILABLE);
    }

    /** A failed store operation; {@code kind} is {@link #UNAVAILABLE} for an outage, else a key error's kind. */
    void storeError(String operation, String kind) {
        Counter.builder(STORE_ERRORS)
                .description("Store operations that failed, by kind: unavailable (an outage) or what Redis refused")
                .tag("operation", operation)
                .tag("kind", kind)
                .register(registry)
                .increment();
    }

    void refreshRejected(String cluster) {
        Counter.builder(REFRESH_REJECTED)
                .description("Refreshes not started because every refresh thread and queue slot was taken")
                .tag("cluster", cluster)
                .register(registry)
                .increment();
    }

    /**
     * The age of the counts of {@code cluster} this replica last saw, in seconds ({@code NaN} while it knows none),
     * registered once per cluster; {@code ageSeconds} is asked at each scrape and must not block.
     */
    void trackAge(String cluster, ToDoubleFunction<String> ageSeconds) {
        if (aged.add(cluster)) {
            Gauge.builder(AGE, cluster, ageSeconds)
                    .description("Seconds since the counts this replica last read or wrote were fetched")
                    .tag("cluster", cluster)
                    .baseUnit("seconds")
                    .register(registry);
        }
    }

    void refreshStarted() {
        active.incrementAndGet();
    }

    void refreshEnded() {
        active.decrementAndGet();
    }
}
