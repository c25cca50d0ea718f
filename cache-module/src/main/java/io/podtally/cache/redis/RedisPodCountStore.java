package io.podtally.cache.redis;

import io.podtally.cache.PodCountSettings;
import io.podtally.cache.PodCountSnapshot;
import io.podtally.cache.PodCountStore;
import io.podtally.cache.StoreUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.ZSetOperations;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The {@link PodCountStore} in Redis: one hash per cluster, {@code podtally:{C}:podcounts}, with a
 * field per node and meta fields starting with {@code @} (layout in {@code docs/cache.md}). Writes
 * are one Lua script on one key, so they are atomic and Redis Cluster-safe.
 *
 * <p>Reads are one Lua script too, one round trip: the store keeps the last snapshot it parsed per
 * cluster, and when the hash still has that snapshot's {@code @generation} and {@code @fetched_at}
 * the script returns only the meta fields (the backoff fields change without a new generation), which
 * are combined with the kept counts; otherwise it returns the whole hash, which is parsed and kept. A
 * deleted key reads as absent at once. Every Redis failure becomes a {@link StoreUnavailableException}; the command timeout
 * of the template's connection factory bounds each call.
 *
 * <p>A hash that cannot be read as a snapshot (a count or meta field that is not a number, a
 * negative count, a missing limit), e.g. after a hand edit, is not trusted in part: it reads as
 * absent, so the cluster is {@code loading} and the next refresh replaces the whole hash. It is
 * logged at warn once per cluster and stored generation.
 *
 * <p>When each cluster was last asked for is one sorted set, {@code podtally:recent-clusters}
 * (member: cluster, score: epoch ms), written by one Lua script on that key: {@code ZADD GT}, members
 * older than the retention removed, the retention as the key's expiry. {@code ZADD GT} needs Redis
 * 6.2 or later.
 */
public final class RedisPodCountStore implements PodCountStore {

    private static final Logger log = LoggerFactory.getLogger(RedisPodCountStore.class);

    static final String FETCHED_AT = "@fetched_at";
    static final String FRESH_UNTIL = "@fresh_until";
    static final String STALE_UNTIL = "@stale_until";
    static final String NEXT_ATTEMPT = "@next_attempt";
    static final String COMPLETE = "@complete";
    static final String SOURCE = "@source";
    static final String PAGES = "@pages";
    static final String PODS = "@pods";
    static final String GENERATION = "@generation";
    static final String FAILURES = "@failures";

    /*
     * ARGV: fetched_at, complete (1/0), retention ms, then field/value pairs of the new hash.
     * Returns {accepted 1/0, generation}.
     */
    private static final RedisScript<List> WRITE = new DefaultRedisScript<>("""
            local stored = redis.call('HMGET', KEYS[1], '@fetched_at', '@complete', '@stale_until', '@generation')
            local generation = math.floor(tonumber(stored[4]) or 0)
            local fetched_at = tonumber(ARGV[1])
            local stored_at = tonumber(stored[1])
            if stored_at then
              if fetched_at < stored_at then
                return {0, generation}
              end
              if ARGV[2] == '0' and stored[2] == '1' and fetched_at <= (tonumber(stored[3]) or 0) then
                return {0, generation}
              end
            end
            generation = generation + 1
            redis.call('DEL', KEYS[1])
            redis.call('HSET', KEYS[1], '@generation', generation)
            local i = 4
            while i <= #ARGV do
              local last = math.min(i + 999, #ARGV)
              redis.call('HSET', KEYS[1], unpack(ARGV, i, last))
              i = last + 1
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return {1, generation}
            """, List.class);

    /* ARGV: next_attempt ms, failures, retention ms (applied when the key has no expiry yet). */
    private static final RedisScript<Long> BACKOFF = new DefaultRedisScript<>("""
            redis.call('HSET', KEYS[1], '@next_attempt', ARGV[1], '@failures', ARGV[2])
            if redis.call('PTTL', KEYS[1]) < 0 then
              redis.call('PEXPIRE', KEYS[1], ARGV[3])
            end
            return 1
            """, Long.class);

    /*
     * ARGV: cutoff ms (members scored below it are removed), retention ms, then score/member pairs.
     * Returns the members left.
     */
    private static final RedisScript<Long> RECORD_ASKED = new DefaultRedisScript<>("""
            local i = 3
            while i <= #ARGV do
              local last = math.min(i + 999, #ARGV)
              redis.call('ZADD', KEYS[1], 'GT', unpack(ARGV, i, last))
              i = last + 1
            end
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return redis.call('ZCARD', KEYS[1])
            """, Long.class);

    private static final List<String> META_FIELDS = List.of(GENERATION, FETCHED_AT, FRESH_UNTIL, STALE_UNTIL,
            NEXT_ATTEMPT, COMPLETE, SOURCE, PAGES, PODS, FAILURES);

    private static final String META_ONLY = "meta";

    /*
     * ARGV: the kept snapshot's @generation and @fetched_at ('' when none is kept), then the meta
     * field names, @generation and @fetched_at first. Returns {'meta', field, value, ...} with the
     * meta fields present when the hash still holds the kept snapshot, else {'all', field, value, ...}
     * of the whole hash ({'all'} when there is none).
     */
    private static final RedisScript<List> READ = new DefaultRedisScript<>("""
            if ARGV[1] ~= '' then
              local names = {unpack(ARGV, 3)}
              local values = redis.call('HMGET', KEYS[1], unpack(names))
              local intact = values[1] == ARGV[1] and values[2] == ARGV[2]
              if intact then
                local reply = {'meta'}
                for i, name in ipairs(names) do
                  if values[i] then
                    reply[#reply + 1] = name
                    reply[#reply + 1] = values[i]
                  end
                end
                return reply
              end
            end
            local reply = redis.call('HGETALL', KEYS[1])
            table.insert(reply, 1, 'all')
            return reply
            """, List.class);

    /** The sorted set of the times clusters were last asked for. */
    public static final String RECENT_CLUSTERS = "podtally:recent-clusters";

    private final StringRedisTemplate redis;
    private final Clock clock;
    private final long retention;
    private final ConcurrentMap<String, KeptSnapshot> kept = new ConcurrentHashMap<>();
    private final AtomicLong wholeHashReads = new AtomicLong();
    private final String retentionMillis;
    private final ConcurrentMap<String, String> malformedGenerationWarned = new ConcurrentHashMap<>();

    /**
     * A store that measures the retention of the asked-for times on the system clock.
     *
     * @param redis a template on the Lettuce connection factory (its command timeout bounds every
     *     call)
     * @param settings gives the retention
     */
    public RedisPodCountStore(StringRedisTemplate redis, PodCountSettings settings) {
        this(redis, settings, Clock.systemUTC());
    }

    /**
     * @param redis a template on the Lettuce connection factory (its command timeout bounds every
     *     call)
     * @param settings gives the retention
     * @param clock measures the retention of the asked-for times
     */
    public RedisPodCountStore(StringRedisTemplate redis, PodCountSettings settings, Clock clock) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.retention = settings.retention().toMillis();
        this.retentionMillis = Long.toString(retention);
    }

    /** The hash of a cluster's counts: {@code podtally:{C}:podcounts}. */
    public static String key(String cluster) {
        return "podtally:{" + cluster + "}:podcounts";
    }

    @Override
    public Optional<PodCountSnapshot> read(String cluster) {
        KeptSnapshot known = kept.get(cluster);
        List<Object> args = new ArrayList<>(2 + META_FIELDS.size());
        args.add(known == null ? "" : known.generation());
        args.add(known == null ? "" : known.fetchedAt());
        args.addAll(META_FIELDS);
        List<?> reply;
        try {
            reply = redis.execute(READ, List.of(key(cluster)), args.toArray());
        } catch (DataAccessException e) {
            throw unavailable("read", cluster, e);
        }
        Map<Object, Object> hash = pairs(reply);
        if (known != null && META_ONLY.equals(text(reply.get(0)))) {
            try {
                return Optional.of(known.withMeta(parse(hash)));
            } catch (MalformedHashException e) {
                kept.remove(cluster, known);
                reportMalformed(cluster, String.valueOf(hash.get(GENERATION)), e);
                return Optional.empty();
            }
        }
        wholeHashReads.incrementAndGet();
        if (hash.isEmpty()) {
            kept.remove(cluster);
            return Optional.empty();
        }
        try {
            PodCountSnapshot snapshot = parse(hash);
            Object generation = hash.get(GENERATION);
            Object fetchedAt = hash.get(FETCHED_AT);
            if (snapshot.hasCounts() && generation != null && fetchedAt != null) {
                kept.put(cluster, new KeptSnapshot(generation.toString(), fetchedAt.toString(), snapshot));
            } else {
                kept.remove(cluster);
            }
            return Optional.of(snapshot);
        } catch (MalformedHashException e) {
            kept.remove(cluster);
            reportMalformed(cluster, String.valueOf(hash.get(GENERATION)), e);
            return Optional.empty();
        }
    }

    /** Reads that returned the whole hash rather than the meta fields only. */
    long wholeHashReads() {
        return wholeHashReads.get();
    }

    private static Map<Object, Object> pairs(List<?> reply) {
        if (reply == null || reply.isEmpty()) {
            throw new IllegalStateException("The read script returned no reply");
        }
        Map<Object, Object> hash = new HashMap<>(reply.size());
        for (int i = 1; i + 1 < reply.size(); i += 2) {
            hash.put(text(reply.get(i)), text(reply.get(i + 1)));
        }
        return hash;
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
    }

    private void reportMalformed(String cluster, String generation, MalformedHashException e) {
        if (!generation.equals(malformedGenerationWarned.put(cluster, generation))) {
            log.warn("Pod counts of {} in {} are malformed ({}), generation {}: read as absent until a refresh "
                    + "replaces them", cluster, key(cluster), e.getMessage(), generation);
        } else {
            log.debug("Pod counts of {} still malformed ({})", cluster, e.getMessage());
        }
    }

    @Override
    public WriteResult write(String cluster, PodCountSnapshot snapshot) {
        Objects.requireNonNull(snapshot.fetchedAt(), "fetchedAt");
        List<String> args = new ArrayList<>(3 + 2 * (snapshot.counts().size() + 10));
        args.add(millis(snapshot.fetchedAt()));
        args.add(snapshot.complete() ? "1" : "0");
        args.add(retentionMillis);
        addPair(args, FETCHED_AT, millis(snapshot.fetchedAt()));
        addPair(args, FRESH_UNTIL, millis(snapshot.freshUntil()));
        addPair(args, STALE_UNTIL, millis(snapshot.staleUntil()));
        if (snapshot.nextAttempt() != null) {
            addPair(args, NEXT_ATTEMPT, millis(snapshot.nextAttempt()));
        }
        addPair(args, COMPLETE, snapshot.complete() ? "1" : "0");
        if (snapshot.source() != null) {
            addPair(args, SOURCE, snapshot.source());
        }
        addPair(args, PAGES, Integer.toString(snapshot.pages()));
        addPair(args, PODS, Long.toString(snapshot.pods()));
        addPair(args, FAILURES, Integer.toString(snapshot.failures()));
        snapshot.counts().forEach((node, count) -> addPair(args, node, Integer.toString(count)));
        List<?> result;
        try {
            result = redis.execute(WRITE, List.of(key(cluster)), args.toArray());
        } catch (DataAccessException e) {
            throw unavailable("write", cluster, e);
        }
        return new WriteResult(((Number) result.get(0)).longValue() == 1, ((Number) result.get(1)).longValue());
    }

    @Override
    public void setBackoff(String cluster, Instant nextAttempt, int failures) {
        try {
            redis.execute(BACKOFF, List.of(key(cluster)), millis(nextAttempt), Integer.toString(failures),
                    retentionMillis);
        } catch (DataAccessException e) {
            throw unavailable("backoff", cluster, e);
        }
    }

    @Override
    public boolean delete(String cluster) {
        try {
            return Boolean.TRUE.equals(redis.delete(key(cluster)));
        } catch (DataAccessException e) {
            throw unavailable("delete", cluster, e);
        }
    }

    @Override
    public void recordAsked(Map<String, Instant> askedAt) {
        if (askedAt.isEmpty()) {
            return;
        }
        List<String> args = new ArrayList<>(2 + 2 * askedAt.size());
        args.add(Long.toString(clock.millis() - retention));
        args.add(retentionMillis);
        askedAt.forEach((cluster, at) -> addPair(args, millis(at), cluster));
        try {
            redis.execute(RECORD_ASKED, List.of(RECENT_CLUSTERS), args.toArray());
        } catch (DataAccessException e) {
            throw unavailableKey("write", RECENT_CLUSTERS, e);
        }
    }

    @Override
    public Map<String, Instant> lastAsked() {
        Set<ZSetOperations.TypedTuple<String>> members;
        try {
            members = redis.opsForZSet().rangeByScoreWithScores(RECENT_CLUSTERS, clock.millis() - retention,
                    Double.POSITIVE_INFINITY);
        } catch (DataAccessException e) {
            throw unavailableKey("read", RECENT_CLUSTERS, e);
        }
        Map<String, Instant> recent = new HashMap<>();
        if (members != null) {
            for (ZSetOperations.TypedTuple<String> member : members) {
                if (member.getValue() != null && member.getScore() != null) {
                    recent.put(member.getValue(), Instant.ofEpochMilli(member.getScore().longValue()));
                }
            }
        }
        return recent;
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
                freshUntil,
                staleUntil,
                instant(meta, NEXT_ATTEMPT),
                "1".equals(meta.get(COMPLETE)),
                meta.get(SOURCE),
                (int) Math.min(Integer.MAX_VALUE, number(meta, PAGES)),
                number(meta, PODS),
                number(meta, GENERATION),
                (int) Math.min(Integer.MAX_VALUE, number(meta, FAILURES)));
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

    private static String millis(Instant instant) {
        return Long.toString(instant.toEpochMilli());
    }

    private static void addPair(List<String> args, String field, String value) {
        args.add(field);
        args.add(value);
    }

    private static StoreUnavailableException unavailable(String operation, String cluster, DataAccessException e) {
        return unavailableKey(operation, key(cluster), e);
    }

    private static StoreUnavailableException unavailableKey(String operation, String key, DataAccessException e) {
        return new StoreUnavailableException(
                "Redis " + operation + " of " + key + " failed: " + e.getMostSpecificCause().getMessage(), e);
    }

    /** The last snapshot parsed for a cluster, with the raw {@code @generation} and {@code @fetched_at} it had. */
    private record KeptSnapshot(String generation, String fetchedAt, PodCountSnapshot snapshot) {

        PodCountSnapshot withMeta(PodCountSnapshot meta) {
            return new PodCountSnapshot(snapshot.counts(), meta.fetchedAt(), meta.freshUntil(), meta.staleUntil(),
                    meta.nextAttempt(), meta.complete(), meta.source(), meta.pages(), meta.pods(), meta.generation(),
                    meta.failures());
        }
    }

    /** A hash that does not hold a readable snapshot. */
    static final class MalformedHashException extends RuntimeException {

        MalformedHashException(String message) {
            super(message, null, false, false);
        }
    }
}
