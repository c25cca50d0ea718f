package io.podtally.cache;

import java.time.Instant;

/**
 * A live source of one cluster's pod counts (a list, then a watch), run by the replica holding the cluster's watch
 * lease. Non-blocking: every method answers at once.
 */
public interface PodCountWatch extends AutoCloseable {

    /** Starts listing and watching in the background. */
    void start();

    /** Drops what is known and lists again from scratch. */
    void relist();

    /** Where the watch stands. */
    Status status();

    /** The counts now ({@code source} {@code informer}); {@code null} before the first list delivered anything. */
    SourceCounts counts();

    /** Stops the watch. */
    @Override
    void close();

    /**
     * Where a watch stands.
     *
     * @param state {@code listing}, {@code watching}, {@code relisting}, {@code backing-off} or {@code stopped}
     * @param watching whether the counts follow a healthy watch (they may be written as fresh)
     * @param version changes whenever the counts do
     * @param lists lists started, the first included
     * @param events watch events applied
     * @param since when the watch entered {@code state}
     * @param failureCategory what kind of failure the last list or watch had (short, without its text, e.g.
     *     {@code forbidden}), or {@code null} while none since it last watched
     */
    record Status(String state, boolean watching, long version, long lists, long events, Instant since,
            String failureCategory) {

        /** A status without a failure. */
        public Status(String state, boolean watching, long version, long lists, long events, Instant since) {
            this(state, watching, version, lists, events, since, null);
        }
    }
}
