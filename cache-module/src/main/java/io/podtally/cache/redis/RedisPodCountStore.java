package io.podtally.cache.redis;

import io.podtally.cache.Fence;
import io.podtally.cache.LastFailure;
import io.podtally.cache.PodCountSettings;
import io.podtally.cache.PodCountSnapshot;
import io.podtally.cache.PodCountStore;
import io.podtally.cache.StoreKeyException;
import io.podtally.cache.StoreUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The {@link PodCountStore} in Redis: one hash per cluster, {@code podtally:{C}:podcounts}, with a
 * field per node and meta fields starting with {@code @} (layout in {@code docs/cache.md}). Writes
 * are one Lua script on one key, so they are atomic and Redis Cluster-safe.
 *
 * <p>Reads are one Lua script too, one round trip: the store keeps the last snapshot it parsed per
 * cluster, and when the hash still has that snapshot's {@code @generation} and {@code @fetched_at}
 * the script returns only the meta fields (the backoff fields change without a new generation), which
 * are combined with the kept counts and node uids; otherwise it returns the whole hash, which is parsed and kept. A
 * deleted key reads as absent at once. A Redis failure becomes a {@link StoreUnavailableException}, or a
 * {@link StoreKeyException} when Redis refused the cluster's key ({@code WRONGTYPE}, {@code NOPERM}, {@code OOM}, a
 * script error); the command timeout of the template's connection factory bounds each call.
 *
 * <p>A hash that cannot be read as a snapshot (a count or meta field that is not a number, a
 * negative count, a missing limit), e.g. after a hand edit, is not trusted in part: it reads as
 * absent, so the cluster is {@code loading} and the next refresh replaces the whole hash. It is
 * logged at warn once per cluster and stored generation.
 *
 * <p>A fenced write (of a refresh holding the cluster's refresh lock, of the watch-lease holder) checks the lock in
 * the same script as the write, so a holder that lost its lock writes nothing.
 *
 * <p>The scripts are {@code write.lua}, {@code read.lua} and {@code backoff.lua} beside this class.
 */
public final class RedisPodCountStore implements PodCountStore {

    private static final Logger log = LoggerFactory.getLogger(RedisPodCountStore.class);

    private static final RedisScript<List> WRITE = LuaScripts.load("write.lua", List.class);
    private static final RedisScript<Long> BACKOFF = LuaScripts.load("backoff.lua", Long.class);
    private static final RedisScript<List> READ = LuaScripts.load("read.lua", List.class);
    private static final String META_ONLY = "meta";

    private final StringRedisTemplate redis;
    private final ConcurrentMap<String, KeptSnapshot> kept = new ConcurrentHashMap<>();
    private final AtomicLong wholeHashReads = new AtomicLong();
    private final String retentionMillis;
    private final ConcurrentMap<String, String> malformedGenerationWarned = new ConcurrentHashMap<>();
    private volatile Consumer<String> changed = cluster -> { };

    /**
     * @param redis a template on the Lettuce connection factory (its command timeout bounds every
     *     call)
     * @param settings gives the retention
     */
    public RedisPodCountStore(StringRedisTemplate redis, PodCountSettings settings) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.retentionMillis = Long.toString(settings.retention().toMillis());
    }

    /**
     * Tells {@code listener} the cluster of every write, backoff and delete made through this store (fenced writes
     * too) once it has returned, whether it succeeded or not: the near cache drops its copy at once.
     */
    void onChange(Consumer<String> listener) {
        this.changed = Objects.requireNonNull(listener, "listener");
    }

    /** The hash of a cluster's counts: {@code podtally:{C}:podcounts}. */
    public static String key(String cluster) {
        return "podtally:{" + cluster + "}:podcounts";
    }

    @Override
    public Optional<PodCountSnapshot> read(String cluster) {
        KeptSnapshot known = kept.get(cluster);
        List<Object> args = new ArrayList<>(2 + PodCountHash.META_FIELDS.size());
        args.add(known == null ? "" : known.generation());
        args.add(known == null ? "" : known.fetchedAt());
        args.addAll(PodCountHash.META_FIELDS);
        List<?> reply;
        try {
            reply = redis.execute(READ, List.of(key(cluster)), args.toArray());
        } catch (DataAccessException e) {
            throw unavailable("read", cluster, e);
        }
        Map<Object, Object> hash = pairs(reply);
        if (known != null && META_ONLY.equals(text(reply.get(0)))) {
            try {
                return Optional.of(known.withMeta(PodCountHash.parse(hash)));
            } catch (PodCountHash.MalformedHashException e) {
                kept.remove(cluster, known);
                reportMalformed(cluster, String.valueOf(hash.get(PodCountHash.GENERATION)), e);
                return Optional.empty();
            }
        }
        wholeHashReads.incrementAndGet();
        if (hash.isEmpty()) {
            kept.remove(cluster);
            return Optional.empty();
        }
        try {
            PodCountSnapshot snapshot = PodCountHash.parse(hash);
            Object generation = hash.get(PodCountHash.GENERATION);
            Object fetchedAt = hash.get(PodCountHash.FETCHED_AT);
            if (snapshot.hasCounts() && generation != null && fetchedAt != null) {
                kept.put(cluster, new KeptSnapshot(generation.toString(), fetchedAt.toString(), snapshot));
            } else {
                kept.remove(cluster);
            }
            return Optional.of(snapshot);
        } catch (PodCountHash.MalformedHashException e) {
            kept.remove(cluster);
            reportMalformed(cluster, String.valueOf(hash.get(PodCountHash.GENERATION)), e);
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

    private void reportMalformed(String cluster, String generation, PodCountHash.MalformedHashException e) {
        if (!generation.equals(malformedGenerationWarned.put(cluster, generation))) {
            log.warn("Pod counts of {} in {} are malformed ({}), generation {}: read as absent until a refresh "
                    + "replaces them", cluster, key(cluster), e.getMessage(), generation);
        } else {
            log.debug("Pod counts of {} still malformed ({})", cluster, e.getMessage());
        }
    }

    @Override
    public WriteResult write(String cluster, PodCountSnapshot snapshot) {
        return write(cluster, snapshot, List.of(key(cluster)), "").orElseThrow();
    }

    /**
     * {@inheritDoc} The fence's lock is a Redisson lock (a hash in the cluster's slot); the write script checks that
     * it still has the owner's field ({@code <client id>:<owner id>}) before it writes.
     */
    @Override
    public Optional<WriteResult> write(String cluster, PodCountSnapshot snapshot, Fence fence) {
        return write(cluster, snapshot, List.of(key(cluster), fence.lock()), fence.owner());
    }

    private Optional<WriteResult> write(String cluster, PodCountSnapshot snapshot, List<String> keys, String owner) {
        Objects.requireNonNull(snapshot.fetchedAt(), "fetchedAt");
        List<String> fields = PodCountHash.fields(snapshot);
        List<String> args = new ArrayList<>(6 + fields.size());
        args.add(PodCountHash.millis(snapshot.fetchedAt()));
        args.add(snapshot.complete() ? "1" : "0");
        args.add(retentionMillis);
        args.add(Integer.toString(snapshot.pages()));
        args.add(Long.toString(snapshot.pods()));
        args.add(owner);
        args.addAll(fields);
        List<?> result;
        try {
            result = redis.execute(WRITE, keys, args.toArray());
        } catch (DataAccessException e) {
            throw unavailable("write", cluster, e);
        } finally {
            changed.accept(cluster);
        }
        long accepted = ((Number) result.get(0)).longValue();
        if (accepted < 0) {
            return Optional.empty();
        }
        return Optional.of(new WriteResult(accepted == 1, ((Number) result.get(1)).longValue()));
    }

    @Override
    public void setBackoff(String cluster, Instant nextAttempt, int failures, LastFailure failure) {
        try {
            redis.execute(BACKOFF, List.of(key(cluster)), PodCountHash.millis(nextAttempt), Integer.toString(failures),
                    retentionMillis, failure == null ? "" : failure.category(),
                    failure == null ? "" : PodCountHash.millis(failure.at()));
        } catch (DataAccessException e) {
            throw unavailable("backoff", cluster, e);
        } finally {
            changed.accept(cluster);
        }
    }

    @Override
    public boolean delete(String cluster) {
        try {
            return Boolean.TRUE.equals(redis.delete(key(cluster)));
        } catch (DataAccessException e) {
            throw unavailable("delete", cluster, e);
        } finally {
            changed.accept(cluster);
        }
    }

    private static RuntimeException unavailable(String operation, String cluster, DataAccessException e) {
        return RedisErrors.translate("Redis " + operation + " of " + key(cluster), e);
    }

    /** The last snapshot parsed for a cluster, with the raw {@code @generation} and {@code @fetched_at} it had. */
    private record KeptSnapshot(String generation, String fetchedAt, PodCountSnapshot snapshot) {

        PodCountSnapshot withMeta(PodCountSnapshot meta) {
            return new PodCountSnapshot(snapshot.counts(), meta.fetchedAt(), meta.endedAt(), meta.freshUntil(),
                    meta.staleUntil(), meta.nextAttempt(), meta.complete(), meta.source(), meta.pages(), meta.pods(),
                    meta.generation(), meta.failures(), snapshot.nodeUids(), meta.lastFailure());
        }
    }
}
