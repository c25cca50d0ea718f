package io.podtally.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.podtally.cache.CountingSource;
import io.podtally.cache.Fence;
import io.podtally.cache.FreshnessState;
import io.podtally.cache.PodCountSettings;
import io.podtally.cache.PodCountSource;
import io.podtally.cache.PodCountView;
import io.podtally.cache.RefreshLock;
import io.podtally.cache.RefreshOutcome;
import io.podtally.cache.RefreshingPodCountCache;
import io.podtally.cache.SourceCounts;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

@DisplayName("RedissonRefreshLock on a real Redis")
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RedissonRefreshLockIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final AtomicInteger CLUSTERS = new AtomicInteger();
    private static final Map<String, Integer> COUNTS = Map.of("node-a", 3, "node-b", 7);

    private RedissonClient redisson;
    private RedissonClient other;
    private LettuceConnectionFactory lettuce;
    private String cluster;

    @BeforeEach
    void setUp() {
        redisson = RedisTestSupport.redisson(REDIS.port());
        other = RedisTestSupport.redisson(REDIS.port());
        lettuce = RedisTestSupport.lettuce(REDIS.port());
        cluster = "lapse-" + CLUSTERS.incrementAndGet();
    }

    @AfterEach
    void tearDown() {
        redisson.shutdown();
        other.shutdown();
        lettuce.destroy();
    }

    @Test
    @DisplayName("a lock that lapses between isHeldByCurrentThread() and unlock() counts as already released")
    void lockLapsingBeforeUnlockCountsAsReleased() {
        RefreshLock lock = new RedissonRefreshLock(lapsingBeforeUnlock(redisson));
        RefreshLock.Held held = lock.tryLock(cluster).orElseThrow();

        assertThatCode(held::close).doesNotThrowAnyException();
        assertThat(new RedissonRefreshLock(other).tryLock(cluster)).isPresent().get()
                .satisfies(RefreshLock.Held::close);
    }

    @Test
    @DisplayName("a refresh that wrote its snapshot is not reported failed when its lock lapsed before the unlock")
    void refreshWrittenBeforeTheLockLapsedIsNotFailed() throws Exception {
        PodCountSettings settings = PodCountSettings.defaults();
        StringRedisTemplate template = new StringRedisTemplate(lettuce);
        try (RefreshingPodCountCache cache = new RefreshingPodCountCache(
                new CountingSource(COUNTS),
                new RedisPodCountStore(template, settings),
                new RedisRecentClusters(template, settings.retention(), Clock.systemUTC()),
                new RedissonRefreshLock(lapsingBeforeUnlock(redisson)),
                new RedisPodCountEvents(template),
                settings,
                new SimpleMeterRegistry(),
                Clock.systemUTC())) {

            RefreshOutcome outcome = cache.refresh(cluster).get(10, TimeUnit.SECONDS);

            assertThat(outcome).isEqualTo(RefreshOutcome.COMPLETE);
            PodCountView view = cache.read(cluster);
            assertThat(view.state()).isEqualTo(FreshnessState.FRESH);
            assertThat(view.countFor("node-b")).isEqualTo(7);
        }
    }

    @Test
    @DisplayName("a lock whose key vanished after the last check before the write: nothing written, lock lost, no "
            + "retry")
    void lockKeyDeletedAfterTheLastCheck() throws Exception {
        assertLostBeforeTheWrite(() -> lettuceTemplate().delete(RedissonRefreshLock.lockName(cluster)));
    }

    @Test
    @DisplayName("a lock taken by another replica after the last check before the write: nothing written, lock lost, "
            + "no retry")
    void lockTakenByAnotherAfterTheLastCheck() throws Exception {
        assertLostBeforeTheWrite(() -> {
            lettuceTemplate().delete(RedissonRefreshLock.lockName(cluster));
            assertThat(new RedissonRefreshLock(other).tryLock(cluster)).isPresent();
        });
    }

    /**
     * Runs a refresh whose source checks the lock before each of its pages, and whose lock is lost by {@code loss}
     * right after the cache's last check before the write found it held.
     */
    private void assertLostBeforeTheWrite(Runnable loss) throws Exception {
        PodCountSettings settings = PodCountSettings.defaults();
        StringRedisTemplate template = lettuceTemplate();
        AtomicBoolean counted = new AtomicBoolean();
        AtomicInteger checks = new AtomicInteger();
        PodCountSource source = new PodCountSource() {
            @Override
            public SourceCounts count(String name) {
                return CountingSource.complete(COUNTS);
            }

            @Override
            public SourceCounts count(String name, BooleanSupplier keepGoing) {
                assertThat(keepGoing.getAsBoolean()).isTrue();
                assertThat(keepGoing.getAsBoolean()).isTrue();
                counted.set(true);
                return count(name);
            }
        };
        RefreshLock lock = losingAfterTheLastCheck(new RedissonRefreshLock(redisson), counted, checks, loss);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (RefreshingPodCountCache cache = new RefreshingPodCountCache(
                source,
                new RedisPodCountStore(template, settings),
                new RedisRecentClusters(template, settings.retention(), Clock.systemUTC()),
                lock,
                new RedisPodCountEvents(template),
                settings,
                registry,
                Clock.systemUTC())) {

            RefreshOutcome outcome = cache.refresh(cluster).get(10, TimeUnit.SECONDS);

            assertThat(outcome).isEqualTo(RefreshOutcome.LOCK_LOST);
            assertThat(checks).hasValue(3);
            assertThat(template.hasKey(RedisPodCountStore.key(cluster))).isFalse();
            assertThat(cache.read(cluster).state()).isEqualTo(FreshnessState.LOADING);
            assertThat(registry.find("podtally.podcounts.write.retries").counters())
                    .allSatisfy(counter -> assertThat(counter.count()).isZero());
        }
    }

    private StringRedisTemplate lettuceTemplate() {
        return new StringRedisTemplate(lettuce);
    }

    /**
     * A lock that answers "held" at every check, and is lost by {@code loss} right after the first check once the
     * source has counted (the cache's last check before its write).
     */
    private static RefreshLock losingAfterTheLastCheck(RefreshLock lock, AtomicBoolean counted, AtomicInteger checks,
            Runnable loss) {
        AtomicBoolean lost = new AtomicBoolean();
        return name -> lock.tryLock(name).map(held -> new RefreshLock.Held() {
            @Override
            public boolean stillHeld() {
                checks.incrementAndGet();
                boolean still = held.stillHeld();
                if (still && counted.get() && lost.compareAndSet(false, true)) {
                    loss.run();
                }
                return still;
            }

            @Override
            public Fence fence() {
                return held.fence();
            }

            @Override
            public void close() {
                held.close();
            }
        });
    }

    /**
     * A client whose locks lapse (their key vanishes, as when Redis restarts or the watchdog could not renew them)
     * right after {@code isHeldByCurrentThread()} said they were held.
     */
    private static RedissonClient lapsingBeforeUnlock(RedissonClient delegate) {
        return proxy(RedissonClient.class, delegate, (method, args, result) -> {
            if (method.getName().equals("getLock") && args.length == 1) {
                RLock lock = (RLock) result;
                return proxy(RLock.class, lock, (lockMethod, lockArgs, held) -> {
                    if (lockMethod.getName().equals("isHeldByCurrentThread") && Boolean.TRUE.equals(held)) {
                        delegate.getKeys().delete(lock.getName());
                    }
                    return held;
                });
            }
            return result;
        });
    }

    private interface AfterCall {
        Object after(Method method, Object[] args, Object result);
    }

    private static <T> T proxy(Class<T> type, T delegate, AfterCall after) {
        InvocationHandler handler = (self, method, args) -> {
            Object[] actual = args == null ? new Object[0] : args;
            Object result;
            try {
                result = method.invoke(delegate, actual);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            return after.after(method, actual, result);
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }
}
