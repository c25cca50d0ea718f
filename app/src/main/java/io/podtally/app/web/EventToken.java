package io.podtally.app.web;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code id} of a stream event, sent back as {@code Last-Event-ID}: the replica that sent it, the replica's event
 * sequence number (increasing with every event of that replica) and the tag of the node list it announced. A replica
 * resumes its own tokens from its ring of recent events; any replica can tell from the tag whether the client already
 * has the answer that is current.
 *
 * @param replica the sending replica's id (lower-case letters and digits)
 * @param sequence the replica's sequence number of the event
 * @param tag the tag of the node list's version after the event ({@link #tagOf})
 */
record EventToken(String replica, long sequence, String tag) {

    private static final Pattern FORMAT = Pattern.compile("([0-9a-z]{1,16})-([0-9]{1,18})-([0-9a-f]{16})");

    /** The token of a {@code Last-Event-ID} header; empty for none or one this service did not make. */
    static Optional<EventToken> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        Matcher m = FORMAT.matcher(value.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new EventToken(m.group(1), Long.parseLong(m.group(2)), m.group(3)));
    }

    /** The tag of a node list version: 16 hex digits of the ETag of its unfiltered answer. */
    static String tagOf(String etag) {
        int quote = etag.indexOf('"');
        return etag.substring(quote + 1, quote + 17);
    }

    @Override
    public String toString() {
        return replica + "-" + sequence + "-" + tag;
    }
}
