package io.podtally.cache;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Waits on futures in tests, never without a limit. */
public final class Futures {

    /** How long {@link #done} waits. */
    public static final Duration LIMIT = Duration.ofSeconds(10);

    private Futures() {
    }

    /** The future's result, waiting at most {@link #LIMIT}; a {@code TimeoutException} cause when it takes longer. */
    public static <T> T done(CompletableFuture<T> future) {
        return future.orTimeout(LIMIT.toMillis(), TimeUnit.MILLISECONDS).join();
    }
}
