package io.podtally.cache.redis;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * Starts the listener container of the pod-count events, retrying in the background while Redis does not answer,
 * so that podtally starts without Redis. Once subscribed, the container resubscribes by itself after an outage.
 */
final class EventSubscription implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventSubscription.class);

    private final RedisMessageListenerContainer container;
    private final Duration retryInterval;
    private final ScheduledExecutorService retries;
    private volatile boolean warned;

    EventSubscription(RedisMessageListenerContainer container, Duration retryInterval) {
        this.container = container;
        this.retryInterval = retryInterval;
        this.retries = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "podtally-events-subscribe");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Subscribes now if Redis answers, else keeps trying every retry interval; returns at once either way. */
    void start() {
        retries.execute(this::attempt);
    }

    /** Whether the container listens. */
    boolean listening() {
        return container.isListening();
    }

    private void attempt() {
        try {
            container.start();
            if (warned) {
                log.info("Subscribed to the pod-count events");
            }
        } catch (DataAccessException e) {
            container.stop();
            if (!warned) {
                warned = true;
                log.warn("Cannot subscribe to the pod-count events yet ({}); retrying every {}",
                        e.getMostSpecificCause().getMessage(), retryInterval);
            }
            if (!retries.isShutdown()) {
                retries.schedule(this::attempt, retryInterval.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    @Override
    public void close() {
        retries.shutdownNow();
        container.stop();
        try {
            container.destroy();
        } catch (Exception e) {
            log.debug("Destroying the event listener container failed: {}", e.toString());
        }
    }
}
