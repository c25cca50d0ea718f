package io.podtally.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.podtally.cache.CountingSource;
import io.podtally.cache.PodCountSettings;
import io.podtally.cache.Fence;
import io.podtally.cache.LastFailure;
import io.podtally.cache.PodCountSnapshot;
import io.podtally.cache.PodCountStore;
import io.podtally.cache.StoreUnavailableException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("NearCachedPodCountStore: copies, versions and the flush")
@Timeout(10)
class NearCachedPodCountStoreTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final FakeStore redis = new FakeStore();
    private final AtomicBoolean tracking = new AtomicBoolean(true);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final NearCachedPodCountStore near = new NearCachedPodCountStore(redis, tracking::get, 2, meters);

    private static PodCountSnapshot snapshot(int pods) {
        return PodCountSnapshot.of(CountingSource.complete(Map.of("node-a", pods)), T0, T0,
                PodCountSettings.defaults(), null, 0);
    }

    private static int pods(Optional<PodCountSnapshot> read) {
        return read.orElseThrow().counts().get("node-a");
    }

    @Test
    @DisplayName("a second read is served from memory; an invalidation makes the next read go to Redis")
    void hitThenInvalidate() {
        redis.put("c", snapshot(1));
        assertThat(pods(near.read("c"))).isEqualTo(1);
        assertThat(pods(near.read("c"))).isEqualTo(1);
        assertThat(redis.reads.get()).isEqualTo(1);

        redis.put("c", snapshot(2));
        near.invalidate("c");

        assertThat(pods(near.read("c"))).isEqualTo(2);
        assertThat(redis.reads.get()).isEqualTo(2);
        assertThat(meters.counter("podtally.near_cache.requests", "result", "hit").count()).isEqualTo(1);
        assertThat(meters.counter("podtally.near_cache.requests", "result", "miss").count()).isEqualTo(2);
        assertThat(meters.counter("podtally.near_cache.invalidations", "scope", "cluster").count()).isEqualTo(1);
    }

    @Test
    @DisplayName("an absent hash is kept as absent too, until invalidated")
    void absentKept() {
        assertThat(near.read("c")).isEmpty();
        assertThat(near.read("c")).isEmpty();
        assertThat(redis.reads.get()).isEqualTo(1);
    }

    @Test
    @DisplayName("an invalidation while a read is on its way: that read's answer is not kept")
    void invalidationDuringRead() throws Exception {
        redis.put("c", snapshot(1));
        redis.pauseNextRead();
        CompletableFuture<Optional<PodCountSnapshot>> slow = CompletableFuture.supplyAsync(() -> near.read("c"));
        assertThat(redis.paused.await(5, TimeUnit.SECONDS)).isTrue();

        redis.put("c", snapshot(2));
        near.invalidate("c");
        redis.resume.countDown();

        assertThat(pods(slow.get(5, TimeUnit.SECONDS))).isEqualTo(1);
        assertThat(pods(near.read("c"))).isEqualTo(2);
        assertThat(redis.reads.get()).isEqualTo(2);
    }

    @Test
    @DisplayName("a flush while a read is on its way: nothing kept; not tracking: every read goes to Redis")
    void flushAndNotTracking() throws Exception {
        redis.put("c", snapshot(1));
        redis.pauseNextRead();
        CompletableFuture<Optional<PodCountSnapshot>> slow = CompletableFuture.supplyAsync(() -> near.read("c"));
        assertThat(redis.paused.await(5, TimeUnit.SECONDS)).isTrue();
        near.invalidateAll();
        redis.resume.countDown();
        slow.get(5, TimeUnit.SECONDS);
        near.read("c");
        assertThat(redis.reads.get()).isEqualTo(2);

        tracking.set(false);
        near.read("c");
        near.read("c");
        assertThat(redis.reads.get()).isEqualTo(4);
    }

    @Test
    @DisplayName("own writes, backoffs and deletes drop the copy at once")
    void ownChanges() {
        redis.put("c", snapshot(1));
        near.read("c");
        near.write("c", snapshot(2));
        assertThat(pods(near.read("c"))).isEqualTo(2);
        near.delete("c");
        assertThat(near.read("c")).isEmpty();
        assertThat(redis.reads.get()).isEqualTo(3);
    }

    @Test
    @DisplayName("at most max-clusters copies: the least recently read goes first")
    void bounded() {
        redis.put("a", snapshot(1));
        redis.put("b", snapshot(2));
        redis.put("c", snapshot(3));
        near.read("a");
        near.read("b");
        near.read("a");
        near.read("c");
        assertThat(near.size()).isLessThanOrEqualTo(2);
        int before = redis.reads.get();
        near.read("a");
        assertThat(redis.reads.get()).isEqualTo(before);
        near.read("b");
        assertThat(redis.reads.get()).isEqualTo(before + 1);
    }

    @Test
    @DisplayName("a failed read is not kept and reaches every reader waiting for it")
    void failure() {
        redis.failing = true;
        assertThatThrownBy(() -> near.read("c")).isInstanceOf(StoreUnavailableException.class);
        redis.failing = false;
        redis.put("c", snapshot(1));
        assertThat(pods(near.read("c"))).isEqualTo(1);
    }

    /** A store in memory that counts reads and can hold one read until told to go on. */
    private static final class FakeStore implements PodCountStore {

        final Map<String, PodCountSnapshot> hashes = new ConcurrentHashMap<>();
        final AtomicInteger reads = new AtomicInteger();
        volatile boolean failing;
        volatile CountDownLatch paused = new CountDownLatch(1);
        volatile CountDownLatch resume = new CountDownLatch(0);
        private final AtomicBoolean pauseNext = new AtomicBoolean();

        void put(String cluster, PodCountSnapshot snapshot) {
            hashes.put(cluster, snapshot);
        }

        void pauseNextRead() {
            paused = new CountDownLatch(1);
            resume = new CountDownLatch(1);
            pauseNext.set(true);
        }

        @Override
        public Optional<PodCountSnapshot> read(String cluster) {
            reads.incrementAndGet();
            if (failing) {
                throw new StoreUnavailableException("down", null);
            }
            Optional<PodCountSnapshot> answer = Optional.ofNullable(hashes.get(cluster));
            if (pauseNext.compareAndSet(true, false)) {
                paused.countDown();
                try {
                    resume.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return answer;
        }

        @Override
        public WriteResult write(String cluster, PodCountSnapshot snapshot) {
            hashes.put(cluster, snapshot);
            return new WriteResult(true, 1);
        }

        @Override
        public Optional<WriteResult> write(String cluster, PodCountSnapshot snapshot, Fence fence) {
            return Optional.of(write(cluster, snapshot));
        }

        @Override
        public void setBackoff(String cluster, Instant nextAttempt, int failures, LastFailure failure) {
        }

        @Override
        public boolean delete(String cluster) {
            return hashes.remove(cluster) != null;
        }
    }
}
