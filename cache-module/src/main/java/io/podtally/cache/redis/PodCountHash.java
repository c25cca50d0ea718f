package io.podtally.cache.redis;

import io.podtally.cache.LastFailure;
import io.podtally.cache.PodCountSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The layout of a cluster's hash, {@code podtally:{C}:podcounts}: a field per node with its count, and
 * meta fields starting with {@code @} (documented in {@code docs/cache.md}). Node names are DNS
 * subdomains, so they never start with {@code @}.
 */
final class PodCountHash {

    static final String FETCHED_AT = "@fetched_at";
    static final String ENDED_AT = "@ended_at";
    static final String FRESH_UNTIL = "@fresh_until";
    static final String STALE_UNTIL = "@stale_until";
    static final String NEXT_ATTEMPT = "@next_attempt";
    static final String COMPLETE = "@complete";
    static final String SOURCE = "@source";
    static final String PAGES = "@pages";
    static final String PODS = "@pods";
    static final String GENERATION = "@generation";
    static final String FAILURES = "@failures";
    /** The category of the last failed or partial refresh (see {@link io.podtally.cache.LastFailure}). */
    static final String LAST_ERROR = "@last_error";
    /** When it was seen, epoch milliseconds. */
    static final String LAST_ERROR_AT = "@last_error_at";
    /**
     * The uids of the nodes the counts cover, comma-separated. Not a {@link #META_FIELDS meta field}: it belongs to
     * the counts, so a read that finds the kept snapshot intact does not fetch it again.
     */
    static final String NODE_UIDS = "@node_uids";

    /** The meta fields, {@code @generation} and {@code @fetched_at} first. */
    static final List<String> META_FIELDS = List.of(GENERATION, FETCHED_AT, ENDED_AT, FRESH_UNTIL, STALE_UNTIL,
            NEXT_ATTEMPT, COMPLETE, SOURCE, PAGES, PODS, FAILURES, LAST_ERROR, LAST_ERROR_AT);

    private PodCountHash() {}

    /** The field/value pairs of the snapshot's hash, without {@code @generation} (the store assigns it). */
    static List<String> fields(PodCountSnapshot snapshot) {
        List<String> pairs = new ArrayList<>(2 * (snapshot.counts().size() + META_FIELDS.size()));
        addPair(pairs, FETCHED_AT, millis(snapshot.fetchedAt()));
        if (snapshot.endedAt() != null) {
            addPair(pairs, ENDED_AT, millis(snapshot.endedAt()));
        }
        addPair(pairs, FRESH_UNTIL, millis(snapshot.freshUntil()));
        addPair(pairs, STALE_UNTIL, millis(snapshot.staleUntil()));
        if (snapshot.nextAttempt() != null) {
            addPair(pairs, NEXT_ATTEMPT, millis(snapshot.nextAttempt()));
        }
        addPair(pairs, COMPLETE, snapshot.complete() ? "1" : "0");
        if (snapshot.source() != null) {
            addPair(pairs, SOURCE, snapshot.source());
        }
        addPair(pairs, PAGES, Integer.toString(snapshot.pages()));
        addPair(pairs, PODS, Long.toString(snapshot.pods()));
        addPair(pairs, FAILURES, Integer.toString(snapshot.failures()));
        if (snapshot.lastFailure() != null) {
            addPair(pairs, LAST_ERROR, snapshot.lastFailure().category());
            addPair(pairs, LAST_ERROR_AT, millis(snapshot.lastFailure().at()));
        }
        if (snapshot.nodeUids() != null) {
            addPair(pairs, NODE_UIDS, String.join(",", new TreeSet<>(snapshot.nodeUids())));
        }
        snapshot.counts().forEach((node, count) -> addPair(pairs, node, Integer.toString(count)));
        return pairs;
    }

    /** The snapshot the hash holds; {@link MalformedHashException} when a field cannot be read. */
    static PodCountSnapshot parse(Map<Object, Object> hash) {
        Map<String, Integer> counts = new HashMap<>();
        Map<String, String> meta = new HashMap<>();
        hash.forEach((field, value) -> {
            String name = field.toString();
            if (name.startsWith("@")) {
                meta.put(name, value.toString());
            } else {
                long count = number(name, value.toString());
                if (count > Integer.MAX_VALUE) {
                    throw new MalformedHashException("field " + name + " is not a pod count: " + abbreviate(value));
                }
                counts.put(name, (int) count);
            }
        });
        Instant fetchedAt = instant(meta, FETCHED_AT);
        Instant freshUntil = instant(meta, FRESH_UNTIL);
        Instant staleUntil = instant(meta, STALE_UNTIL);
        if (fetchedAt != null && (freshUntil == null || staleUntil == null)) {
            throw new MalformedHashException("counts without " + (freshUntil == null ? FRESH_UNTIL : STALE_UNTIL));
        }
        return new PodCountSnapshot(
                counts,
                fetchedAt,
                instant(meta, ENDED_AT),
                freshUntil,
                staleUntil,
                instant(meta, NEXT_ATTEMPT),
                "1".equals(meta.get(COMPLETE)),
                meta.get(SOURCE),
                (int) Math.min(Integer.MAX_VALUE, number(meta, PAGES)),
                number(meta, PODS),
                number(meta, GENERATION),
                (int) Math.min(Integer.MAX_VALUE, number(meta, FAILURES)),
                uids(meta.get(NODE_UIDS)),
                lastFailure(meta));
    }

    /** The last failure, or {@code null} without {@code @last_error_at}; a category alone is ignored. */
    private static LastFailure lastFailure(Map<String, String> meta) {
        Instant at = instant(meta, LAST_ERROR_AT);
        return at == null ? null : new LastFailure(meta.get(LAST_ERROR), at);
    }

    private static Set<String> uids(String joined) {
        if (joined == null) {
            return null;
        }
        return joined.isEmpty() ? Set.of() : Set.copyOf(Arrays.asList(joined.split(",")));
    }

    static String millis(Instant instant) {
        return Long.toString(instant.toEpochMilli());
    }

    private static Instant instant(Map<String, String> meta, String field) {
        String millis = meta.get(field);
        return millis == null ? null : Instant.ofEpochMilli(number(field, millis));
    }

    private static long number(Map<String, String> meta, String field) {
        String value = meta.get(field);
        return value == null ? 0 : number(field, value);
    }

    private static long number(String field, String value) {
        long number;
        try {
            number = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw notANumber(field, value);
        }
        if (number < 0) {
            throw notANumber(field, value);
        }
        return number;
    }

    private static MalformedHashException notANumber(String field, String value) {
        return new MalformedHashException("field " + field + " is not a non-negative number: " + abbreviate(value));
    }

    private static String abbreviate(Object value) {
        String text = String.valueOf(value);
        return text.length() <= 40 ? "'" + text + "'" : "'" + text.substring(0, 40) + "...'";
    }

    private static void addPair(List<String> pairs, String field, String value) {
        pairs.add(field);
        pairs.add(value);
    }

    /** A hash that does not hold a readable snapshot. */
    static final class MalformedHashException extends RuntimeException {

        MalformedHashException(String message) {
            super(message, null, false, false);
        }
    }
}
