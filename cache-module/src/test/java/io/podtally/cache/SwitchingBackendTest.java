package io.podtally.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.podtally.cache.memory.InMemoryBackend;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

@DisplayName("SwitchingBackend: memory until the target starts, the target from then on")
class SwitchingBackendTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private final Instant asked = Instant.now();

    private final PodCountSettings settings = PodCountSettings.defaults();
    private final Clock clock = Clock.systemUTC();
    private final InMemoryBackend fallback = new InMemoryBackend(settings, clock);
    private final InMemoryBackend target = new InMemoryBackend(settings, clock);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicInteger attempts = new AtomicInteger();
    private final List<Long> attemptNanos = new CopyOnWriteArrayList<>();
    private SwitchingBackend backend;

    @AfterEach
    void tearDown() {
        backend.close();
        target.close();
    }

    @Test
    @DisplayName("while the target does not answer: serves the fallback, says it waits and why, tries with a backoff")
    void waitsForTheTarget() {
        backend = switchingAfter(Integer.MAX_VALUE);

        backend.recentClusters().recordAsked(Map.of("c1", asked));

        assertThat(backend.kind()).isEqualTo("memory (waiting for Redis)");
        assertThat(backend.waitingFor()).contains("Redis").contains("Connection refused");
        assertThat(backend.problem()).isNull();
        assertThat(fallback.recentClusters().lastAsked()).containsOnlyKeys("c1");
        assertThat(target.recentClusters().lastAsked()).isEmpty();
        await().atMost(WAIT).until(() -> attempts.get() >= 6);
        assertThat(backend.switched()).isFalse();
        List<Long> times = List.copyOf(attemptNanos);
        for (int i = 1; i < times.size(); i++) {
            long gapMillis = (times.get(i) - times.get(i - 1)) / 1_000_000;
            long planned = Math.min(80, 20L << Math.min(i - 1, 8));
            assertThat(gapMillis).as("wait before attempt %d (planned %d ms)", i + 1, planned)
                    .isGreaterThanOrEqualTo(planned - 5);
        }
        assertThat(switches()).isZero();
    }

    @Test
    @DisplayName("once the target starts: every call goes to it, earlier listeners get its events, one switch counted")
    void switchesOnceTheTargetStarts() {
        backend = switchingAfter(2);
        List<PodCountEvent> received = new CopyOnWriteArrayList<>();
        backend.events().subscribe(received::add);

        await().atMost(WAIT).until(backend::switched);
        backend.recentClusters().recordAsked(Map.of("c2", asked));
        target.events().publish(new PodCountEvent("c2", 1, PodCountEvent.Reason.WRITE));
        fallback.events().publish(new PodCountEvent("c1", 1, PodCountEvent.Reason.WRITE));

        assertThat(backend.kind()).isEqualTo("memory");
        assertThat(backend.waitingFor()).isNull();
        assertThat(target.recentClusters().lastAsked()).containsOnlyKeys("c2");
        assertThat(fallback.recentClusters().lastAsked()).isEmpty();
        assertThat(received).extracting(PodCountEvent::cluster).containsExactly("c2");
        try (RefreshLock.Held held = backend.lock().tryLock("c2").orElseThrow()) {
            CompletableFuture<Boolean> elsewhere = CompletableFuture.supplyAsync(
                    () -> target.lock().tryLock("c2").isPresent());
            await().atMost(WAIT).until(elsewhere::isDone);
            assertThat(elsewhere.getNow(true)).as("the target's lock is the one held").isFalse();
        }
        assertThat(attempts).hasValue(3);
        assertThat(switches()).isEqualTo(1.0);
        await("no attempt after the switch").during(Duration.ofMillis(200)).atMost(WAIT)
                .until(() -> attempts.get() == 3);
    }

    @Test
    @DisplayName("the switch is logged once at INFO, saying what this replica now shares with the others")
    void switchLogged() {
        Logger logger = (Logger) LoggerFactory.getLogger(SwitchingBackend.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try {
            backend = switchingAfter(2);
            await().atMost(WAIT).until(backend::switched);
            await("no attempt after the switch").during(Duration.ofMillis(200)).atMost(WAIT)
                    .until(() -> attempts.get() == 3);

            List<ILoggingEvent> switchedLines;
            synchronized (logged) {
                switchedLines = logged.list.stream()
                        .filter(event -> event.getFormattedMessage().contains("switched to"))
                        .toList();
            }
            assertThat(switchedLines).singleElement().satisfies(event -> {
                assertThat(event.getLevel()).isEqualTo(Level.INFO);
                assertThat(event.getFormattedMessage()).startsWith("Pod counts switched to Redis: this replica now "
                        + "shares the counts, the refresh lock and the change events of the other replicas");
            });
        } finally {
            logger.detachAppender(logged);
        }
    }

    @Test
    @DisplayName("stops trying when closed")
    void stopsWhenClosed() {
        backend = switchingAfter(Integer.MAX_VALUE);
        await().atMost(WAIT).until(() -> attempts.get() >= 1);

        backend.close();
        int closedAt = attempts.get();

        await().during(Duration.ofMillis(300)).atMost(WAIT)
                .until(() -> attempts.get() <= closedAt + 1 && !backend.switched());
    }

    @Test
    @DisplayName("watch lease and replica registry: none taken nor held while waiting, the target's once switched")
    void watchLeaseOfTheTargetOnceSwitched() {
        AtomicInteger gate = new AtomicInteger(Integer.MAX_VALUE);
        List<String> announced = new CopyOnWriteArrayList<>();
        SharedTarget shared = new SharedTarget(target, announced);
        backend = new SwitchingBackend(fallback, "Redis", "Connection refused", whyNot -> {
            attempts.incrementAndGet();
            if (attempts.get() <= gate.get()) {
                whyNot.accept("Connection refused");
                return Optional.empty();
            }
            return Optional.of(shared);
        }, Duration.ofMillis(20), Duration.ofMillis(80), meters);
        WatchLease lease = backend.watchLease().orElseThrow();
        ReplicaRegistry registry = backend.replicaRegistry().orElseThrow();

        assertThat(lease.tryAcquire("c1")).isEmpty();
        assertThat(lease.isHeld("c1")).isFalse();
        assertThat(lease.holder("c1")).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> registry.heartbeat("r1", Duration.ofSeconds(15), Duration.ZERO))
                .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("waiting for Redis");
        registry.leave("r1");

        gate.set(0);
        await().atMost(WAIT).until(backend::switched);

        assertThat(lease.tryAcquire("c1")).isPresent();
        assertThat(lease.isHeld("c1")).isTrue();
        assertThat(registry.heartbeat("r1", Duration.ofSeconds(15), Duration.ZERO))
                .isEqualTo(new ReplicaRegistry.Replicas(1, 1, true));
        assertThat(announced).containsExactly("r1");
    }

    /** A target sharing its store: the in-memory backend with a lease and a registry of its own. */
    private static final class SharedTarget implements PodCountBackend {

        private final InMemoryBackend delegate;
        private final List<String> announced;
        private final java.util.Set<String> held = java.util.concurrent.ConcurrentHashMap.newKeySet();

        SharedTarget(InMemoryBackend delegate, List<String> announced) {
            this.delegate = delegate;
            this.announced = announced;
        }

        @Override
        public String kind() {
            return "shared";
        }

        @Override
        public PodCountStore store() {
            return delegate.store();
        }

        @Override
        public RecentClusters recentClusters() {
            return delegate.recentClusters();
        }

        @Override
        public RefreshLock lock() {
            return delegate.lock();
        }

        @Override
        public PodCountEvents events() {
            return delegate.events();
        }

        @Override
        public Clock clock() {
            return delegate.clock();
        }

        @Override
        public String problem() {
            return null;
        }

        @Override
        public Boolean eventsSubscribed() {
            return true;
        }

        @Override
        public Duration clockSkew() {
            return null;
        }

        @Override
        public boolean clockSkewed() {
            return false;
        }

        @Override
        public Optional<WatchLease> watchLease() {
            return Optional.of(new WatchLease() {
                @Override
                public Optional<Held> tryAcquire(String cluster) {
                    if (!held.add(cluster)) {
                        return Optional.empty();
                    }
                    return Optional.of(new Held() {
                        @Override
                        public boolean stillHeld() {
                            return held.contains(cluster);
                        }

                        @Override
                        public Optional<PodCountStore.WriteResult> write(PodCountSnapshot snapshot) {
                            return Optional.of(delegate.store().write(cluster, snapshot));
                        }

                        @Override
                        public boolean describe(Holder holder, Duration ttl) {
                            return held.contains(cluster);
                        }

                        @Override
                        public void release() {
                            held.remove(cluster);
                        }
                    });
                }

                @Override
                public boolean isHeld(String cluster) {
                    return held.contains(cluster);
                }

                @Override
                public Optional<Holder> holder(String cluster) {
                    return Optional.empty();
                }
            });
        }

        @Override
        public Optional<ReplicaRegistry> replicaRegistry() {
            return Optional.of(new ReplicaRegistry() {
                @Override
                public Replicas heartbeat(String replica, Duration ttl, Duration settled) {
                    announced.add(replica);
                    return new Replicas(1, 1, true);
                }

                @Override
                public void leave(String replica) {
                    announced.remove(replica);
                }
            });
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    /** A backend whose target fails {@code failures} times, then starts. */
    private SwitchingBackend switchingAfter(int failures) {
        SwitchingBackend.Target start = (Consumer<String> whyNot) -> {
            attemptNanos.add(System.nanoTime());
            if (attempts.incrementAndGet() <= failures) {
                whyNot.accept("Connection refused");
                return Optional.empty();
            }
            return Optional.of(target);
        };
        return new SwitchingBackend(fallback, "Redis", "Connection refused", start, Duration.ofMillis(20),
                Duration.ofMillis(80), meters);
    }

    private double switches() {
        return meters.get(SwitchingBackend.SWITCHES).counter().count();
    }
}
