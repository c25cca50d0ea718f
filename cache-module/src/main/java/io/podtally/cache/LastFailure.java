package io.podtally.cache;

import java.util.Objects;
import java.time.Instant;

/**
 * Why and when the last refresh or watch list of a cluster failed, kept with its snapshot ({@code @last_error} and
 * {@code @last_error_at}) so that every replica can tell why a cluster is stale. Cleared by the next complete write.
 *
 * @param category short and without the failure's text: {@code timeout}, {@code forbidden}, {@code unauthorized},
 *     {@code unreachable}, {@code unavailable}, {@code gone}, {@code too-many-requests}, {@code page-cap},
 *     {@code stopped}, {@code store} (the counts could not be written) or {@code error}
 * @param at when the failure was seen, on the clock of record
 */
public record LastFailure(String category, Instant at) {

    /** The category written when a failure has none. */
    public static final String ERROR = "error";

    /** The category of counts that could not be written to the store. */
    public static final String STORE = "store";

    public LastFailure {
        Objects.requireNonNull(at, "at");
        category = category == null || category.isBlank() ? ERROR : category;
    }
}
