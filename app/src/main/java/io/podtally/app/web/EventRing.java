package io.podtally.app.web;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;

/**
 * The recent events of one cluster on this replica, so that a client that reconnects gets the events it missed.
 * It holds every event of the cluster with a sequence number above its floor; the oldest are dropped beyond its
 * capacity, and the floor moves up with them.
 */
final class EventRing {

    private final int capacity;
    private final ArrayDeque<StreamEvent> events;
    private long floor;

    EventRing(int capacity, long floor) {
        this.capacity = capacity;
        this.events = new ArrayDeque<>(capacity);
        this.floor = floor;
    }

    /** Forgets every event: the cluster was not followed, so what happened before {@code floor} is unknown. */
    synchronized void restart(long floor) {
        events.clear();
        this.floor = floor;
    }

    synchronized void add(StreamEvent event) {
        if (events.size() == capacity) {
            floor = events.removeFirst().sequence();
        }
        events.addLast(event);
    }

    /** The sequence number of the newest event, or the floor when there is none. */
    synchronized long head() {
        return events.isEmpty() ? floor : events.getLast().sequence();
    }

    /**
     * The events after {@code sequence}, oldest first; empty when some of them are no longer held (or
     * {@code sequence} is not one of this ring's).
     */
    synchronized Optional<List<StreamEvent>> after(long sequence) {
        if (sequence < floor || sequence > head()) {
            return Optional.empty();
        }
        return Optional.of(events.stream().filter(e -> e.sequence() > sequence).toList());
    }
}
