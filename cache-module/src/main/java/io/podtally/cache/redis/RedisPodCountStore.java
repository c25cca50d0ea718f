package io.podtally.cache.redis;

import io.podtally.cache.PodCountSettings;
import io.podtally.cache.PodCountSnapshot;
import io.podtally.cache.PodCountStore;
import io.podtally.cache.StoreUnavailableException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The {@link PodCountStore} in Redis: one hash per cluster, {@code podtally:{C}:podcounts}, with a
 * field per node and meta fields starting with {@code @} (layout in {@code docs/cache.md}). Reads
 * are one {@code HGETALL}; writes one Lua script on one key, so they are atomic and Redis
 * Cluster-safe. Every Redis failure becomes a {@link StoreUnavailableException}; the command timeout
 * of the template's connection factory bounds each call.
 */
public final class RedisPodCountStore implements PodCountStore {

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
            local generation = tonumber(stored[4]) or 0
            local fetched_at = tonumber(ARGV[1])
            if stored[1] then
              if fetched_at < tonumber(stored[1]) then
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

    private final StringRedisTemplate redis;
    private final String retentionMillis;

    /**
     * @param redis a template on the Lettuce connection factory (its command timeout bounds every
     *     call)
     * @param settings gives the retention
     */
    public RedisPodCountStore(StringRedisTemplate redis, PodCountSettings settings) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.retentionMillis = Long.toString(settings.retention().toMillis());
    }

    /** The hash of a cluster's counts: {@code podtally:{C}:podcounts}. */
    public static String key(String cluster) {
        return "podtally:{" + cluster + "}:podcounts";
    }

    @Override
    public Optional<PodCountSnapshot> read(String cluster) {
        Map<Object, Object> hash;
        try {
            hash = redis.opsForHash().entries(key(cluster));
        } catch (DataAccessException e) {
            throw unavailable("read", cluster, e);
        }
        if (hash == null || hash.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(parse(hash));
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

    static PodCountSnapshot parse(Map<Object, Object> hash) {
        Map<String, Integer> counts = new HashMap<>();
        Map<String, String> meta = new HashMap<>();
        hash.forEach((field, value) -> {
            String name = field.toString();
            if (name.startsWith("@")) {
                meta.put(name, value.toString());
            } else {
                counts.put(name, Integer.valueOf(value.toString()));
            }
        });
        return new PodCountSnapshot(
                counts,
                instant(meta.get(FETCHED_AT)),
                instant(meta.get(FRESH_UNTIL)),
                instant(meta.get(STALE_UNTIL)),
                instant(meta.get(NEXT_ATTEMPT)),
                "1".equals(meta.get(COMPLETE)),
                meta.get(SOURCE),
                (int) number(meta.get(PAGES)),
                number(meta.get(PODS)),
                number(meta.get(GENERATION)),
                (int) number(meta.get(FAILURES)));
    }

    private static Instant instant(String millis) {
        return millis == null ? null : Instant.ofEpochMilli(Long.parseLong(millis));
    }

    private static long number(String value) {
        return value == null ? 0 : Long.parseLong(value);
    }

    private static String millis(Instant instant) {
        return Long.toString(instant.toEpochMilli());
    }

    private static void addPair(List<String> args, String field, String value) {
        args.add(field);
        args.add(value);
    }

    private static StoreUnavailableException unavailable(String operation, String cluster, DataAccessException e) {
        return new StoreUnavailableException(
                "Redis " + operation + " of " + key(cluster) + " failed: " + e.getMostSpecificCause().getMessage(), e);
    }
}
