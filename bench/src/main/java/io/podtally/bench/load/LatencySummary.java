package io.podtally.bench.load;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import org.HdrHistogram.Histogram;

/**
 * What one load run measured. Latencies are in microseconds; for an open-loop run they are taken
 * from the moment a request was due, so a stalled server is not hidden by a stalled driver.
 *
 * @param requests requests sent
 * @param completed responses received (any status)
 * @param errors requests that failed without a response (connection refused, reset)
 * @param timeouts requests that got no response within the client timeout
 * @param statuses responses per HTTP status
 * @param elapsed from the first request sent to the last answer
 * @param p50Micros median
 * @param p99Micros 99th percentile
 * @param maxMicros slowest
 * @param meanBytes mean response body size as received (compressed when gzip was asked for)
 * @param histogram all latencies (timeouts recorded at the timeout)
 */
public record LatencySummary(
        long requests,
        long completed,
        long errors,
        long timeouts,
        Map<Integer, Long> statuses,
        Duration elapsed,
        long p50Micros,
        long p99Micros,
        long maxMicros,
        long meanBytes,
        Histogram histogram) {

    public LatencySummary {
        statuses = Map.copyOf(new TreeMap<>(statuses));
    }

    /** Responses per second over the run. */
    public double throughput() {
        double seconds = elapsed.toNanos() / 1e9;
        return seconds > 0 ? completed / seconds : 0;
    }

    /** Responses with status 200. */
    public long ok() {
        return statuses.getOrDefault(200, 0L);
    }

    static LatencySummary of(long requests, long completed, long errors, long timeouts, Map<Integer, Long> statuses,
            Duration elapsed, long totalBytes, Histogram histogram) {
        long count = histogram.getTotalCount();
        return new LatencySummary(requests, completed, errors, timeouts, statuses, elapsed,
                count == 0 ? 0 : histogram.getValueAtPercentile(50),
                count == 0 ? 0 : histogram.getValueAtPercentile(99),
                count == 0 ? 0 : histogram.getMaxValue(),
                completed == 0 ? 0 : totalBytes / completed,
                histogram);
    }
}
