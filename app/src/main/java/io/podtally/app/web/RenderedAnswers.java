package io.podtally.app.web;

import com.github.benmanes.caffeine.cache.AsyncCacheLoader;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The serialized bytes of this replica's recent answers, by ETag, plain and gzipped: the ETag captures every input of
 * an answer, so a request whose ETag was answered shortly before gets the same bytes without anything being built.
 * Bounded by total bytes.
 *
 * <p>No request waits for a render in the steady state:
 * <ul>
 *   <li>an answer asked for {@link #REFRESH_AFTER_WRITE} after it was built is built again in the background (its
 *   ages move on) while the old bytes are served; one nobody asked for within {@link #EXPIRE_AFTER_WRITE} of its build
 *   is dropped, so the ages an answer carries are never older than that;</li>
 *   <li>when only lenient inputs changed (a new ETag with the same {@linkplain Request#strict() strict part}: new
 *   counts in the same state, the nodes' content, the metrics) and the answer last served to the same query and
 *   encoding, or an earlier answer to them, took at least {@link #STAND_IN_AFTER} to build (a rebuild of unchanged
 *   nodes is cheap, so the longest build counts), that answer, with its own ETag, is served while the new
 *   one is built in the background, for at most {@link #MAX_LAG} after the change was first seen; later requests wait
 *   for the build. An answer that builds faster is built on the request that sees the change;</li>
 *   <li>a change of the strict part (the pod counts' state, the informer, the query) is answered on the request that
 *   sees it: the request builds the new answer, or waits for the build under way.</li>
 * </ul>
 * The answer last served to a query and encoding keeps being refreshed in the background for {@link #KEEP_WARM} after
 * its last request, so that a dashboard polling less often than the expiry does not find it gone. One build at a time
 * per ETag and encoding; background builds run on one thread with a short queue.
 */
@Component
final class RenderedAnswers implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RenderedAnswers.class);
    static final long MAX_BYTES = 64L * 1024 * 1024;
    static final Duration EXPIRE_AFTER_WRITE = Duration.ofSeconds(10);
    static final Duration REFRESH_AFTER_WRITE = Duration.ofSeconds(5);
    static final Duration MAX_LAG = Duration.ofSeconds(1);
    static final Duration KEEP_WARM = Duration.ofSeconds(60);
    /**
     * An answer to a query whose builds all took less than this is built again on the request that sees a change, not
     * stood in for.
     */
    static final Duration STAND_IN_AFTER = Duration.ofMillis(20);
    static final int MAX_SLOTS = 10_000;
    private static final int BACKGROUND_QUEUE = 16;

    /**
     * One request's answer to find or build.
     *
     * @param slot the query and encoding asked for, whatever the inputs (the answer last served to it may stand in)
     * @param etag the tag of the answer made of the current inputs
     * @param strict the part of the inputs whose change must be answered at once (pod counts, informer, query)
     * @param gzip whether the bytes are gzipped
     * @param bytes builds the answer's bytes from the inputs the tag was made of; called again for a refresh
     */
    record Request(String slot, String etag, String strict, boolean gzip, Supplier<byte[]> bytes) {
    }

    /** The bytes served and the ETag they were built under. */
    record Answer(String etag, byte[] bytes) {
    }

    /**
     * The bytes, how to build them again, and the longest build (nanos) of this answer or of the earlier answers to
     * its query: what building the next one may cost, since building an unchanged answer again is cheap.
     */
    private record Rendered(byte[] bytes, Supplier<byte[]> build, long costNanos) {

        static Rendered of(Supplier<byte[]> build, LongSupplier nanos, long earlierCostNanos) {
            long started = nanos.getAsLong();
            byte[] bytes = build.get();
            return new Rendered(bytes, build, Math.max(earlierCostNanos, nanos.getAsLong() - started));
        }
    }

    /** What a slot was last served (its tag and cache key), and the newer tag it is waiting for since when (nanos). */
    private record Slot(String etag, String key, String strict, String pending, long pendingSince) {
    }

    private final AsyncLoadingCache<String, Rendered> answers;
    private final Cache<String, Slot> slots;
    private final ThreadPoolExecutor background;
    private final ScheduledExecutorService warm;
    private final LongSupplier nanos;
    private final long standInAfterNanos;
    private final Counter hits;
    private final Counter misses;
    private final Counter stale;
    private final Counter refreshes;

    @Autowired
    RenderedAnswers(MeterRegistry meters) {
        this(meters, System::nanoTime, STAND_IN_AFTER);
    }

    /**
     * @param nanos the clock of expiry, refresh and lag
     * @param standInAfter how long the previous answer's build must have taken for it to stand in for a newer one
     */
    RenderedAnswers(MeterRegistry meters, LongSupplier nanos, Duration standInAfter) {
        this.nanos = nanos;
        this.standInAfterNanos = standInAfter.toNanos();
        AtomicInteger threads = new AtomicInteger();
        this.background = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(BACKGROUND_QUEUE), runnable -> {
                    Thread thread = new Thread(runnable, "podtally-render-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.AbortPolicy());
        this.answers = Caffeine.newBuilder()
                .maximumWeight(MAX_BYTES)
                .weigher((String key, Rendered rendered) -> key.length() + rendered.bytes().length)
                .expireAfterWrite(EXPIRE_AFTER_WRITE)
                .refreshAfterWrite(REFRESH_AFTER_WRITE)
                .ticker(nanos::getAsLong)
                .executor(Runnable::run)
                .buildAsync(new AsyncCacheLoader<String, Rendered>() {
                    @Override
                    public CompletableFuture<Rendered> asyncLoad(String key, Executor executor) {
                        throw new UnsupportedOperationException("answers are only built with their body");
                    }

                    @Override
                    public CompletableFuture<Rendered> asyncReload(String key, Rendered old, Executor executor) {
                        return inBackground(() -> {
                            refreshes.increment();
                            return Rendered.of(old.build(), nanos, old.costNanos());
                        });
                    }
                });
        this.slots = Caffeine.newBuilder()
                .maximumSize(MAX_SLOTS)
                .expireAfterAccess(KEEP_WARM)
                .ticker(nanos::getAsLong)
                .build();
        this.warm = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "podtally-render-warm");
            thread.setDaemon(true);
            return thread;
        });
        warm.scheduleWithFixedDelay(this::keepWarm, 1, 1, TimeUnit.SECONDS);
        this.hits = rendered(meters, "hit");
        this.misses = rendered(meters, "miss");
        this.stale = rendered(meters, "stale");
        this.refreshes = rendered(meters, "refresh");
    }

    private static Counter rendered(MeterRegistry meters, String result) {
        return Counter.builder("podtally.api.rendered")
                .description("Node-list answers: hit served from the rendered-answer cache, miss built on the request, "
                        + "stale the previous answer to the query served while the new one is built, refresh built in the background")
                .tag("result", result)
                .register(meters);
    }

    /** The answer to {@code request}: its own, or for a short while the one last served to its slot. */
    Answer answer(Request request) {
        String key = key(request.gzip(), request.etag());
        CompletableFuture<Rendered> current = answers.getIfPresent(key);
        if (current != null && current.isDone() && !current.isCompletedExceptionally()) {
            hits.increment();
            served(request);
            return new Answer(request.etag(), current.join().bytes());
        }
        Answer previous = standIn(request);
        if (previous != null) {
            CompletableFuture<Rendered> building = buildInBackground(key, request);
            if (building != null) {
                stale.increment();
                return previous;
            }
        }
        return new Answer(request.etag(), buildOrWait(key, request, previous != null).bytes());
    }

    /** The answer last served to the slot, when only lenient inputs changed and not longer than the lag allows. */
    private Answer standIn(Request request) {
        long now = nanos.getAsLong();
        Slot slot = slots.asMap().computeIfPresent(request.slot(), (name, last) -> {
            if (last.etag().equals(request.etag()) || !last.strict().equals(request.strict())) {
                return last;
            }
            // the lag counts from the first change not served yet, however many follow it
            return request.etag().equals(last.pending()) ? last : new Slot(last.etag(), last.key(), last.strict(),
                    request.etag(), last.pending() == null ? now : last.pendingSince());
        });
        if (slot == null || slot.etag().equals(request.etag()) || !slot.strict().equals(request.strict())
                || !request.etag().equals(slot.pending()) || now - slot.pendingSince() > MAX_LAG.toNanos()) {
            return null;
        }
        String previousKey = slot.key();
        // read through the map view: standing in does not start a refresh of the previous answer
        CompletableFuture<Rendered> previous = answers.asMap().get(previousKey);
        if (previous == null || !previous.isDone() || previous.isCompletedExceptionally()
                || previous.join().costNanos() < standInAfterNanos) {
            // building the new answer costs about what building the earlier ones did: cheap ones are built on the request
            return null;
        }
        return new Answer(slot.etag(), previous.join().bytes());
    }

    /** The background build of {@code key} under way or started now; {@code null} when the queue is full. */
    private CompletableFuture<Rendered> buildInBackground(String key, Request request) {
        CompletableFuture<Rendered> future = answers.get(key, (name, executor) -> inBackground(() -> {
            refreshes.increment();
            return build(request);
        }));
        if (future.isCancelled()) {
            return null;
        }
        future.thenRun(() -> served(request));
        return future;
    }

    /** Builds {@code key} on this thread, or waits for the build under way. */
    private Rendered buildOrWait(String key, Request request, boolean queueFull) {
        CompletableFuture<Rendered> mine = new CompletableFuture<>();
        CompletableFuture<Rendered> future = answers.get(key, (name, executor) -> mine);
        if (future == mine) {
            misses.increment();
            if (log.isDebugEnabled()) {
                log.debug("render miss slot={} reason={}", request.slot(), missReason(request, queueFull));
            }
            try {
                mine.complete(build(request));
            } catch (RuntimeException | Error e) {
                mine.completeExceptionally(e);
                throw e;
            }
        }
        if (future != mine && future.isCancelled()) {
            // a background build that could not be queued, not yet dropped by the cache: build here, uncached
            misses.increment();
            return build(request);
        }
        try {
            Rendered rendered = future.join();
            served(request);
            return rendered;
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Why a request had to build its answer, for the debug log. */
    private String missReason(Request request, boolean queueFull) {
        Slot slot = slots.getIfPresent(request.slot());
        if (queueFull) {
            return "background queue full";
        }
        if (slot == null) {
            return "slot not asked for within keep-warm";
        }
        if (!slot.strict().equals(request.strict())) {
            return "strict inputs changed";
        }
        if (slot.pending() != null && nanos.getAsLong() - slot.pendingSince() > MAX_LAG.toNanos()) {
            return "lag exceeded by " + Duration.ofNanos(nanos.getAsLong() - slot.pendingSince()).toMillis() + " ms";
        }
        return answers.asMap().containsKey(slot.key()) ? "unknown" : "previous answer gone";
    }

    private Rendered build(Request request) {
        return Rendered.of(request.bytes(), nanos, earlierCost(request.slot()));
    }

    /** The build cost of the answer last served to {@code slot}, 0 when there is none. */
    private long earlierCost(String slot) {
        Slot last = slots.asMap().get(slot);
        CompletableFuture<Rendered> previous = last == null ? null : answers.asMap().get(last.key());
        return previous == null || !previous.isDone() || previous.isCompletedExceptionally()
                ? 0 : previous.join().costNanos();
    }

    /** Records that the slot's answer is now the one of {@code request}'s tag. */
    private void served(Request request) {
        String key = key(request.gzip(), request.etag());
        slots.asMap().compute(request.slot(), (name, last) -> {
            if (last == null) {
                return new Slot(request.etag(), key, request.strict(), null, 0);
            }
            if (last.etag().equals(request.etag()) && last.pending() == null) {
                return last;
            }
            if (last.pending() != null && !last.pending().equals(request.etag())
                    && last.strict().equals(request.strict())) {
                // a newer change is still waiting: its lag keeps counting from when it was first seen
                return new Slot(request.etag(), key, request.strict(), last.pending(), last.pendingSince());
            }
            return new Slot(request.etag(), key, request.strict(), null, 0);
        });
    }

    private static String key(boolean gzip, String etag) {
        return (gzip ? "gzip " : "json ") + etag;
    }

    /** How long ago the answer of {@code request}'s tag was built, if it is held; without touching it. */
    Optional<Duration> ageOf(Request request) {
        return answers.synchronous().policy().refreshAfterWrite().orElseThrow()
                .ageOf(key(request.gzip(), request.etag()));
    }

    /** Refreshes the answers last served to the slots asked for within {@link #KEEP_WARM}, once they are due. */
    private void keepWarm() {
        try {
            var refresh = answers.synchronous().policy().refreshAfterWrite().orElseThrow();
            for (Slot slot : slots.asMap().values()) {
                if (slot.pending() == null && refresh.ageOf(slot.key())
                        .filter(age -> age.compareTo(REFRESH_AFTER_WRITE) >= 0).isPresent()) {
                    answers.synchronous().refresh(slot.key());
                }
            }
        } catch (RuntimeException e) {
            // the next round tries again; a request still finds or builds its answer
        }
    }

    /** {@code build} on the background thread; a cancelled future when its queue is full. */
    private CompletableFuture<Rendered> inBackground(Supplier<Rendered> build) {
        try {
            return CompletableFuture.supplyAsync(build, background);
        } catch (RejectedExecutionException e) {
            // a cancelled refresh is dropped quietly: the entry stays, and expires if no later refresh gets through
            CompletableFuture<Rendered> skipped = new CompletableFuture<>();
            skipped.cancel(false);
            return skipped;
        }
    }

    @Override
    public void destroy() {
        warm.shutdownNow();
        background.shutdownNow();
    }

    /** Whether an {@code Accept-Encoding} header accepts gzip. */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String coding : acceptEncoding.split(",")) {
            String[] parts = coding.split(";");
            String name = parts[0].trim();
            if (!name.equalsIgnoreCase("gzip") && !name.equalsIgnoreCase("x-gzip")) {
                continue;
            }
            for (int i = 1; i < parts.length; i++) {
                String parameter = parts[i].trim();
                if (parameter.startsWith("q=") || parameter.startsWith("Q=")) {
                    try {
                        return Double.parseDouble(parameter.substring(2).trim()) > 0;
                    } catch (NumberFormatException e) {
                        return false;
                    }
                }
            }
            return true;
        }
        return false;
    }
}
