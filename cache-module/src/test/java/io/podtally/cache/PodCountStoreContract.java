package io.podtally.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The write rules every {@link PodCountStore} follows; run against each store. */
public abstract class PodCountStoreContract {

    protected static final PodCountSettings SETTINGS = PodCountSettings.defaults();
    protected static final Instant T0 = Instant.ofEpochMilli(1_700_000_000_000L);

    /** A store without data for {@code cluster}. */
    protected abstract PodCountStore store();

    /** A cluster name not used by any other test of the class. */
    protected abstract String cluster();

    /** The refresh lock whose holders the store lets write fenced. */
    protected abstract RefreshLock lock();

    protected static PodCountSnapshot complete(Instant fetchedAt, Map<String, Integer> counts) {
        return PodCountSnapshot.of(CountingSource.complete(counts), fetchedAt, fetchedAt, SETTINGS, null, 0);
    }

    protected static PodCountSnapshot partial(Instant fetchedAt, Map<String, Integer> counts) {
        return PodCountSnapshot.of(CountingSource.partial(counts), fetchedAt, fetchedAt, SETTINGS,
                fetchedAt.plusSeconds(30), 1);
    }

    @Test
    @DisplayName("reads nothing for an unknown cluster")
    void readsNothing() {
        assertThat(store().read(cluster())).isEmpty();
    }

    @Test
    @DisplayName("a write is read back with every field and generation 1")
    void writesAndReads() {
        PodCountStore store = store();
        PodCountStore.WriteResult result = store.write(cluster(), complete(T0, Map.of("node-a", 3, "node-b", 7)));

        assertThat(result).isEqualTo(new PodCountStore.WriteResult(true, 1));
        PodCountSnapshot read = store.read(cluster()).orElseThrow();
        assertThat(read.counts()).containsExactlyInAnyOrderEntriesOf(Map.of("node-a", 3, "node-b", 7));
        assertThat(read.fetchedAt()).isEqualTo(T0);
        assertThat(read.freshUntil()).isEqualTo(T0.plus(SETTINGS.freshFor()));
        assertThat(read.staleUntil()).isEqualTo(T0.plus(SETTINGS.staleFor()));
        assertThat(read.nextAttempt()).isNull();
        assertThat(read.complete()).isTrue();
        assertThat(read.source()).isEqualTo("paginated");
        assertThat(read.pages()).isEqualTo(1);
        assertThat(read.pods()).isEqualTo(10);
        assertThat(read.generation()).isEqualTo(1);
        assertThat(read.failures()).isZero();
    }

    @Test
    @DisplayName("a newer write replaces the whole snapshot and increments the generation")
    void newerReplaces() {
        PodCountStore store = store();
        store.write(cluster(), complete(T0, Map.of("node-a", 3, "node-b", 7)));

        PodCountStore.WriteResult result = store.write(cluster(), complete(T0.plusSeconds(60), Map.of("node-c", 1)));

        assertThat(result).isEqualTo(new PodCountStore.WriteResult(true, 2));
        PodCountSnapshot read = store.read(cluster()).orElseThrow();
        assertThat(read.counts()).containsExactly(Map.entry("node-c", 1));
        assertThat(read.fetchedAt()).isEqualTo(T0.plusSeconds(60));
    }

    @Test
    @DisplayName("an older write never replaces a newer one")
    void olderRefused() {
        PodCountStore store = store();
        store.write(cluster(), complete(T0.plusSeconds(60), Map.of("node-a", 3)));

        PodCountStore.WriteResult result = store.write(cluster(), complete(T0, Map.of("node-a", 99)));

        assertThat(result).isEqualTo(new PodCountStore.WriteResult(false, 1));
        assertThat(store.read(cluster()).orElseThrow().counts()).containsExactly(Map.entry("node-a", 3));
    }

    @Test
    @DisplayName("a partial result does not replace a complete one within its staleness limit")
    void partialRefusedWithinStaleness() {
        PodCountStore store = store();
        store.write(cluster(), complete(T0, Map.of("node-a", 3, "node-b", 7)));

        PodCountStore.WriteResult atLimit =
                store.write(cluster(), partial(T0.plus(SETTINGS.staleFor()), Map.of("node-a", 4)));
        PodCountStore.WriteResult soon = store.write(cluster(), partial(T0.plusSeconds(1), Map.of("node-a", 4)));

        assertThat(atLimit.accepted()).isFalse();
        assertThat(soon.accepted()).isFalse();
        PodCountSnapshot read = store.read(cluster()).orElseThrow();
        assertThat(read.complete()).isTrue();
        assertThat(read.counts()).containsExactlyInAnyOrderEntriesOf(Map.of("node-a", 3, "node-b", 7));
        assertThat(read.generation()).isEqualTo(1);
    }

    @Test
    @DisplayName("a partial result newer than the complete one's staleness limit replaces it")
    void partialAcceptedAfterStaleness() {
        PodCountStore store = store();
        store.write(cluster(), complete(T0, Map.of("node-a", 3, "node-b", 7)));
        Instant later = T0.plus(SETTINGS.staleFor()).plusMillis(1);

        PodCountStore.WriteResult result = store.write(cluster(), partial(later, Map.of("node-a", 4)));

        assertThat(result).isEqualTo(new PodCountStore.WriteResult(true, 2));
        PodCountSnapshot read = store.read(cluster()).orElseThrow();
        assertThat(read.complete()).isFalse();
        assertThat(read.counts()).containsExactly(Map.entry("node-a", 4));
        assertThat(read.nextAttempt()).isEqualTo(later.plusSeconds(30));
        assertThat(read.failures()).isEqualTo(1);
    }

    @Test
    @DisplayName("a newer partial result replaces an older partial one, and a complete one replaces both")
    void partialOverPartial() {
        PodCountStore store = store();
        store.write(cluster(), partial(T0, Map.of("node-a", 1)));

        assertThat(store.write(cluster(), partial(T0.plusSeconds(1), Map.of("node-a", 2))).accepted()).isTrue();
        assertThat(store.write(cluster(), complete(T0.plusSeconds(2), Map.of("node-a", 5))).accepted()).isTrue();
        PodCountSnapshot read = store.read(cluster()).orElseThrow();
        assertThat(read.complete()).isTrue();
        assertThat(read.nextAttempt()).isNull();
        assertThat(read.failures()).isZero();
        assertThat(read.generation()).isEqualTo(3);
    }

    /** A partial snapshot of {@code pages} pages and {@code pods} pods, with a backoff of 30 s. */
    protected static PodCountSnapshot partial(Instant fetchedAt, int pages, long pods, Map<String, Integer> counts) {
        return PodCountSnapshot.of(new SourceCounts(counts, false, pages, pods, "paginated", "page timed out"),
                fetchedAt, fetchedAt, SETTINGS, fetchedAt.plusSeconds(30), 1);
    }

    @Test
    @DisplayName("partial replaces partial: a newer partial covering less (fewer pages, or as many pages and fewer pods) "
            + "does not replace the stored partial within its staleness limit; one covering more does, and after the "
            + "limit any does")
    void partialCoveringLessRefused() {
        PodCountStore store = store();
        Map<String, Integer> wide = Map.of("node-a", 3, "node-b", 7, "node-c", 2);
        store.write(cluster(), partial(T0, 5, 12, wide));

        PodCountStore.WriteResult fewerPages =
                store.write(cluster(), partial(T0.plusSeconds(60), 1, 20, Map.of("node-a", 20)));
        PodCountStore.WriteResult fewerPods =
                store.write(cluster(), partial(T0.plus(SETTINGS.staleFor()), 5, 11, Map.of("node-a", 11)));

        assertThat(fewerPages.accepted()).isFalse();
        assertThat(fewerPods.accepted()).isFalse();
        PodCountSnapshot read = store.read(cluster()).orElseThrow();
        assertThat(read.counts()).containsExactlyInAnyOrderEntriesOf(wide);
        assertThat(read.pages()).isEqualTo(5);
        assertThat(read.generation()).isEqualTo(1);

        Map<String, Integer> wider = Map.of("node-a", 3, "node-b", 7, "node-c", 2, "node-d", 1);
        assertThat(store.write(cluster(), partial(T0.plusSeconds(120), 6, 13, wider)).accepted()).isTrue();
        Instant afterLimit = T0.plusSeconds(120).plus(SETTINGS.staleFor()).plusMillis(1);
        assertThat(store.write(cluster(), partial(afterLimit, 1, 1, Map.of("node-a", 1))).accepted()).isTrue();
        assertThat(store.read(cluster()).orElseThrow().counts()).containsExactly(Map.entry("node-a", 1));
    }

    @Test
    @DisplayName("a backoff keeps the counts and records the next attempt")
    void backoffKeepsCounts() {
        PodCountStore store = store();
        store.write(cluster(), complete(T0, Map.of("node-a", 3)));

        store.setBackoff(cluster(), T0.plusSeconds(60), 2);

        PodCountSnapshot read = store.read(cluster()).orElseThrow();
        assertThat(read.counts()).containsExactly(Map.entry("node-a", 3));
        assertThat(read.complete()).isTrue();
        assertThat(read.generation()).isEqualTo(1);
        assertThat(read.nextAttempt()).isEqualTo(T0.plusSeconds(60));
        assertThat(read.failures()).isEqualTo(2);
    }

    @Test
    @DisplayName("a backoff without counts is read as a snapshot without counts, and a write replaces it")
    void backoffWithoutCounts() {
        PodCountStore store = store();
        store.setBackoff(cluster(), T0.plusSeconds(30), 1);

        PodCountSnapshot read = store.read(cluster()).orElseThrow();
        assertThat(read.hasCounts()).isFalse();
        assertThat(read.nextAttempt()).isEqualTo(T0.plusSeconds(30));
        assertThat(read.failures()).isEqualTo(1);

        assertThat(store.write(cluster(), complete(T0, Map.of("node-a", 1))).accepted()).isTrue();
        assertThat(store.read(cluster()).orElseThrow().nextAttempt()).isNull();
    }

    @Test
    @DisplayName("delete removes the snapshot")
    void deletes() {
        PodCountStore store = store();
        store.write(cluster(), complete(T0, Map.of("node-a", 3)));

        assertThat(store.delete(cluster())).isTrue();
        assertThat(store.read(cluster())).isEmpty();
        assertThat(store.delete(cluster())).isFalse();
    }

    @Test
    @DisplayName("snapshots of other clusters are untouched")
    void clustersApart() {
        PodCountStore store = store();
        String other = cluster() + "-other";
        store.write(other, complete(T0, Map.of("node-z", 9)));
        store.write(cluster(), complete(T0.plus(Duration.ofMinutes(1)), Map.of("node-a", 3)));
        store.delete(cluster());

        assertThat(store.read(other).orElseThrow().counts()).containsExactly(Map.entry("node-z", 9));
    }

    @Test
    @DisplayName("the uids of the counted nodes are read back, also after a backoff; a snapshot without them reads without")
    void nodeUidsKept() {
        PodCountStore store = store();
        SourceCounts counted = new SourceCounts(Map.of("node-a", 3), true, 1, 3, "paginated", null,
                Set.of("uid-a", "uid-b"));
        store.write(cluster(), PodCountSnapshot.of(counted, T0, T0, SETTINGS, null, 0));
        store.setBackoff(cluster(), T0.plusSeconds(30), 1);

        assertThat(store.read(cluster()).orElseThrow().nodeUids()).containsExactlyInAnyOrder("uid-a", "uid-b");

        SourceCounts noNodes = new SourceCounts(Map.of(), true, 1, 0, "paginated", null, Set.of());
        store.write(cluster(), PodCountSnapshot.of(noNodes, T0.plusSeconds(60), T0.plusSeconds(60), SETTINGS, null, 0));
        assertThat(store.read(cluster()).orElseThrow().nodeUids()).isEmpty();

        store.write(cluster(), complete(T0.plusSeconds(120), Map.of("node-a", 3)));
        assertThat(store.read(cluster()).orElseThrow().nodeUids()).isNull();
    }

    @Test
    @DisplayName("a backoff records the failure's category and time, read back also from a meta-only read; a later "
            + "backoff without one keeps it")
    void backoffRecordsLastFailure() {
        PodCountStore store = store();
        store.write(cluster(), complete(T0, Map.of("node-a", 3)));
        store.read(cluster());

        store.setBackoff(cluster(), T0.plusSeconds(60), 1, new LastFailure("forbidden", T0.plusSeconds(5)));

        PodCountSnapshot read = store.read(cluster()).orElseThrow();
        assertThat(read.lastFailure()).isEqualTo(new LastFailure("forbidden", T0.plusSeconds(5)));
        assertThat(read.counts()).containsExactly(Map.entry("node-a", 3));

        store.setBackoff(cluster(), T0.plusSeconds(120), 2);
        assertThat(store.read(cluster()).orElseThrow().lastFailure())
                .isEqualTo(new LastFailure("forbidden", T0.plusSeconds(5)));
    }

    @Test
    @DisplayName("a backoff without counts carries its failure")
    void backoffWithoutCountsRecordsLastFailure() {
        PodCountStore store = store();
        store.setBackoff(cluster(), T0.plusSeconds(30), 1, new LastFailure("unreachable", T0));

        PodCountSnapshot read = store.read(cluster()).orElseThrow();
        assertThat(read.hasCounts()).isFalse();
        assertThat(read.lastFailure()).isEqualTo(new LastFailure("unreachable", T0));
    }

    @Test
    @DisplayName("a partial write keeps its category; a complete write clears the last failure")
    void completeWriteClearsLastFailure() {
        PodCountStore store = store();
        SourceCounts partial = new SourceCounts(Map.of("node-a", 1), false, 1, 1, "paginated", "page 2 failed: HTTP 503",
                null, "unavailable");
        store.write(cluster(), PodCountSnapshot.of(partial, T0, T0.plusSeconds(2), SETTINGS, T0.plusSeconds(30), 1));

        assertThat(store.read(cluster()).orElseThrow().lastFailure())
                .isEqualTo(new LastFailure("unavailable", T0.plusSeconds(2)));

        store.write(cluster(), complete(T0.plusSeconds(60), Map.of("node-a", 3)));
        assertThat(store.read(cluster()).orElseThrow().lastFailure()).isNull();
    }

    @Test
    @DisplayName("a fenced write is stored while its holder holds the lock")
    void fencedWriteWhileHeld() {
        PodCountStore store = store();
        try (RefreshLock.Held held = lock().tryLock(cluster()).orElseThrow()) {
            assertThat(store.write(cluster(), complete(T0, Map.of("node-a", 3)), held.fence()))
                    .contains(new PodCountStore.WriteResult(true, 1));
            assertThat(store.write(cluster(), complete(T0.minusSeconds(60), Map.of("node-a", 9)), held.fence()))
                    .contains(new PodCountStore.WriteResult(false, 1));
        }

        assertThat(store.read(cluster()).orElseThrow().counts()).containsExactly(Map.entry("node-a", 3));
    }

    @Test
    @DisplayName("a fenced write of a holder whose lock was released writes nothing")
    void fencedWriteAfterReleaseRefused() {
        PodCountStore store = store();
        store.write(cluster(), complete(T0, Map.of("node-a", 3)));
        RefreshLock.Held held = lock().tryLock(cluster()).orElseThrow();
        held.close();

        assertThat(store.write(cluster(), complete(T0.plusSeconds(60), Map.of("node-a", 9)), held.fence())).isEmpty();
        PodCountSnapshot read = store.read(cluster()).orElseThrow();
        assertThat(read.counts()).containsExactly(Map.entry("node-a", 3));
        assertThat(read.generation()).isEqualTo(1);
    }

    @Test
    @DisplayName("a fenced write of another owner than the lock's holder writes nothing")
    void fencedWriteOfAnotherOwnerRefused() {
        PodCountStore store = store();
        try (RefreshLock.Held held = lock().tryLock(cluster()).orElseThrow()) {
            Fence another = new Fence(held.fence().lock(), held.fence().owner() + "-another");

            assertThat(store.write(cluster(), complete(T0, Map.of("node-a", 3)), another)).isEmpty();
        }

        assertThat(store.read(cluster())).isEmpty();
    }
}
