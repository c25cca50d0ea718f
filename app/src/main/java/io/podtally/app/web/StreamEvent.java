package io.podtally.app.web;

/**
 * One event as an event stream sends it.
 *
 * @param sequence the replica's sequence number
 * @param name the event type ({@code change}, {@code state}, {@code reset})
 * @param id the {@link EventToken} sent as {@code id}
 * @param data the JSON sent as {@code data}
 */
record StreamEvent(long sequence, String name, String id, String data) {
}
