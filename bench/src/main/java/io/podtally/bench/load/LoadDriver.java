package io.podtally.bench.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP load driver for 127.0.0.1: open loop at a fixed rate (requests are sent when due,
 * whatever the server does, latency counted from the due time) or closed loop with a few clients
 * (the saturation throughput). Every run is bounded in requests and in time and stops by itself.
 */
public final class LoadDriver implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LoadDriver.class);
    private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);

    private final ExecutorService executor;
    private final HttpClient client;

    public LoadDriver() {
        this.executor = Executors.newFixedThreadPool(4, daemonThreads("load-driver"));
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(executor)
                .build();
    }

    /**
     * Sends {@code rate × duration} requests at a fixed rate, round robin over {@code targets}, and
     * waits for their answers (each at most {@code timeout}).
     */
    public LatencySummary openLoop(List<URI> targets, Map<String, String> headers, double rate, Duration duration,
            Duration timeout) {
        Histogram histogram = new Histogram(HIGHEST_MICROS, 3);
        Tally tally = new Tally();
        long start = System.nanoTime();
        long total = atRate(targets, headers, rate, duration, timeout, histogram, tally);
        return tally.summary(total, Duration.ofNanos(System.nanoTime() - start), histogram);
    }

    /**
     * Open-loop runs of several groups of targets taken in turns: in each of {@code rounds} rounds every group in
     * order gets {@code slice} at {@code rate}, round robin over its targets, and its answers are awaited before the
     * next group's turn. Whatever the machine does over time (other load, stalls) falls on every group alike, which
     * one run after the other cannot give on a shared machine.
     *
     * @return one summary per group, in order, over its turns (its elapsed time is the sum of its turns)
     */
    public List<LatencySummary> interleaved(List<List<URI>> groups, Map<String, String> headers, double rate,
            Duration slice, int rounds, Duration timeout) {
        List<Histogram> histograms = new ArrayList<>();
        List<Tally> tallies = new ArrayList<>();
        long[] requests = new long[groups.size()];
        long[] elapsed = new long[groups.size()];
        for (int g = 0; g < groups.size(); g++) {
            histograms.add(new Histogram(HIGHEST_MICROS, 3));
            tallies.add(new Tally());
        }
        for (int round = 0; round < rounds; round++) {
            for (int g = 0; g < groups.size(); g++) {
                long start = System.nanoTime();
                requests[g] += atRate(groups.get(g), headers, rate, slice, timeout, histograms.get(g), tallies.get(g));
                elapsed[g] += System.nanoTime() - start;
            }
        }
        List<LatencySummary> summaries = new ArrayList<>();
        for (int g = 0; g < groups.size(); g++) {
            summaries.add(tallies.get(g).summary(requests[g], Duration.ofNanos(elapsed[g]), histograms.get(g)));
        }
        return summaries;
    }

    /** Sends {@code rate × duration} requests at a fixed rate and waits for their answers; how many were sent. */
    private long atRate(List<URI> targets, Map<String, String> headers, double rate, Duration duration,
            Duration timeout, Histogram histogram, Tally tally) {
        long total = Math.max(1, Math.round(rate * duration.toNanos() / 1e9));
        long intervalNanos = Math.round(1e9 / rate);
        List<CompletableFuture<Void>> inFlight = new ArrayList<>((int) Math.min(total, 100_000));
        long start = System.nanoTime();
        for (long i = 0; i < total; i++) {
            long due = start + i * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            HttpRequest request = request(targets.get((int) (i % targets.size())), headers, timeout);
            inFlight.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                    .handle((response, failure) -> {
                        tally.record(histogram, due, response, failure, timeout);
                        return null;
                    }));
        }
        awaitAll(inFlight, timeout.plusSeconds(10));
        return total;
    }

    /**
     * Runs {@code clients} clients that each send the next request as soon as the previous one is
     * answered, for {@code duration}; the throughput of this run is the saturation throughput.
     */
    public LatencySummary closedLoop(List<URI> targets, Map<String, String> headers, int clients, Duration duration,
            Duration timeout) {
        Histogram histogram = new Histogram(HIGHEST_MICROS, 3);
        Tally tally = new Tally();
        AtomicLong sent = new AtomicLong();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients, daemonThreads("closed-loop"));
        for (int c = 0; c < clients; c++) {
            URI target = targets.get(c % targets.size());
            workers.add(CompletableFuture.runAsync(() -> {
                while (System.nanoTime() < end) {
                    sent.incrementAndGet();
                    long due = System.nanoTime();
                    HttpResponse<byte[]> response = null;
                    Throwable failure = null;
                    try {
                        response = client.send(request(target, headers, timeout), HttpResponse.BodyHandlers.ofByteArray());
                    } catch (IOException e) {
                        failure = e;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    tally.record(histogram, due, response, failure, timeout);
                }
            }, pool));
        }
        awaitAll(workers, duration.plus(timeout).plusSeconds(10));
        pool.shutdownNow();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        return tally.summary(sent.get(), elapsed, histogram);
    }

    /** One request, answered in full: status, body and how long it took. */
    public Exchange get(URI target, Map<String, String> headers, Duration timeout) throws IOException, InterruptedException {
        long start = System.nanoTime();
        HttpResponse<byte[]> response = client.send(request(target, headers, timeout), HttpResponse.BodyHandlers.ofByteArray());
        return new Exchange(response.statusCode(), response.body(), response.headers().map(),
                Duration.ofNanos(System.nanoTime() - start));
    }

    /** One request whose answer only counts by its status; a failure completes it with -1. */
    public CompletableFuture<Integer> status(URI target, Map<String, String> headers, Duration timeout) {
        return client.sendAsync(request(target, headers, timeout), HttpResponse.BodyHandlers.discarding())
                .handle((response, failure) -> response != null ? response.statusCode() : -1);
    }

    /** A POST without a body. */
    public int post(URI target, Map<String, String> headers, Duration timeout) throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(target).timeout(timeout).POST(HttpRequest.BodyPublishers.noBody());
        headers.forEach(builder::header);
        return client.send(builder.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    private static HttpRequest request(URI target, Map<String, String> headers, Duration timeout) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(target).timeout(timeout).GET();
        headers.forEach(builder::header);
        return builder.build();
    }

    private static void awaitAll(List<CompletableFuture<Void>> futures, Duration deadline) {
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("{} requests still unanswered after {}; counted as timeouts",
                    futures.stream().filter(f -> !f.isDone()).count(), deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new CompletionException(e.getCause());
        }
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * A complete answer.
     *
     * @param status HTTP status
     * @param body the body as received
     * @param headers response headers
     * @param elapsed time to the last byte
     */
    public record Exchange(int status, byte[] body, Map<String, List<String>> headers, Duration elapsed) {
    }

    private static final class Tally {
        private final AtomicLong completed = new AtomicLong();
        private final AtomicLong errors = new AtomicLong();
        private final AtomicLong timeouts = new AtomicLong();
        private final AtomicLong bytes = new AtomicLong();
        private final Map<Integer, Long> statuses = new ConcurrentHashMap<>();

        void record(Histogram histogram, long dueNanos, HttpResponse<byte[]> response, Throwable failure, Duration timeout) {
            long micros = (System.nanoTime() - dueNanos) / 1000;
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (response != null) {
                completed.incrementAndGet();
                bytes.addAndGet(response.body().length);
                statuses.merge(response.statusCode(), 1L, Long::sum);
            } else if (cause instanceof HttpTimeoutException && !(cause instanceof HttpConnectTimeoutException)) {
                timeouts.incrementAndGet();
                micros = timeout.toNanos() / 1000;
            } else {
                errors.incrementAndGet();
                log.debug("request failed: {}", String.valueOf(cause));
                return;
            }
            synchronized (histogram) {
                histogram.recordValue(Math.min(micros, HIGHEST_MICROS));
            }
        }

        LatencySummary summary(long requests, Duration elapsed, Histogram histogram) {
            long unanswered = requests - completed.get() - errors.get() - timeouts.get();
            synchronized (histogram) {
                return LatencySummary.of(requests, completed.get(), errors.get(), timeouts.get() + Math.max(0, unanswered),
                        statuses, elapsed, bytes.get(), histogram.copy());
            }
        }
    }
}
