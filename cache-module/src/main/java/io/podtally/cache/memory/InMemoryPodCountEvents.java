package io.podtally.cache.memory;

import io.podtally.cache.Listeners;
import io.podtally.cache.PodCountEvent;
import io.podtally.cache.PodCountEvents;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link PodCountEvents} within one replica: listeners are called on the publishing thread. */
public final class InMemoryPodCountEvents implements PodCountEvents {

    private static final Logger log = LoggerFactory.getLogger(InMemoryPodCountEvents.class);

    private final List<Consumer<PodCountEvent>> listeners = new CopyOnWriteArrayList<>();

    @Override
    public void publish(PodCountEvent event) {
        Listeners.deliver(listeners, event, log);
    }

    @Override
    public void subscribe(Consumer<PodCountEvent> listener) {
        listeners.add(listener);
    }

    @Override
    public void close() {
        listeners.clear();
    }
}
