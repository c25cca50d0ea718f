package io.podtally.k8s;

import java.time.Duration;

/**
 * How the paginated pod count runs.
 *
 * @param pageSize pods per page ({@code limit})
 * @param pageTimeout how long one page may take
 * @param maxPages the most pages listed before the result is partial
 * @param deadline how long the whole count may take
 * @param maxRestarts how many times a {@code 410 Expired} restarts the list
 * @param maxRetryAfter the longest {@code Retry-After} honoured per 429 (longer values are capped); a 429 waits at
 *     least 1 s whatever this and {@code Retry-After} say
 */
public record PodCounterSettings(
        int pageSize, Duration pageTimeout, int maxPages, Duration deadline, int maxRestarts, Duration maxRetryAfter) {

    /** Defaults: 1000 per page, 60 s per page, 500 pages (500,000 pods), 10 min in all, 3 restarts, 30 s. */
    public static PodCounterSettings defaults() {
        return new PodCounterSettings(1000, Duration.ofSeconds(60), 500, Duration.ofMinutes(10), 3, Duration.ofSeconds(30));
    }
}
