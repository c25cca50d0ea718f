package io.podtally.cache;

import java.util.function.Consumer;

/** Carries {@link PodCountEvent}s to every replica (Redis pub/sub) or within one (in memory). */
public interface PodCountEvents extends AutoCloseable {

    /**
     * Publishes an event to every replica, this one included.
     *
     * @throws StoreUnavailableException when the event could not be sent
     * @throws StoreKeyException when Redis refused it (e.g. {@code NOPERM} on the channel)
     */
    void publish(PodCountEvent event);

    /** Registers a listener for the events of every replica; called on a background thread. */
    void subscribe(Consumer<PodCountEvent> listener);

    /** Stops listening. */
    @Override
    void close();
}
