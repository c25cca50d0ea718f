package io.podtally.cache;

import java.util.Collection;
import java.util.function.Consumer;
import org.slf4j.Logger;

/** Delivers an event to listeners so that one failing listener does not stop the others. */
public final class Listeners {

    private Listeners() {}

    /** Calls every listener with {@code event}; a listener's exception is logged and skipped. */
    public static <T> void deliver(Collection<Consumer<T>> listeners, T event, Logger log) {
        for (Consumer<T> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                log.warn("A pod-count event listener failed on {}", event, e);
            }
        }
    }
}
