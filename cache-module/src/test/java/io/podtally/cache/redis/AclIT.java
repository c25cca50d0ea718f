package io.podtally.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.podtally.cache.CountingSource;
import io.podtally.cache.FreshnessState;
import io.podtally.cache.PodCountEvent;
import io.podtally.cache.PodCountSettings;
import io.podtally.cache.PodCountView;
import io.podtally.cache.RefreshOutcome;
import io.podtally.cache.RefreshingPodCountCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@DisplayName("An ACL user with only the permissions of docs/operations.md")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AclIT {

    private static final Logger log = LoggerFactory.getLogger(AclIT.class);
    private static final Map<String, Integer> COUNTS = Map.of("node-a", 4, "node-b", 9);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static Path dir;
    private static RedisNode redis;

    @BeforeAll
    static void startRedis() throws IOException {
        dir = Files.createTempDirectory("podtally-acl");
        redis = RedisNode.start(dir, "acl", RedisTestSupport.closedPort(), List.of(), List.of(), false);
        assertThat(redis.cli(RedisTestSupport.aclSetUser("podtally", "podtally-secret"))).isEqualTo("OK");
        assertThat(redis.cli(RedisTestSupport.aclSetUser("podtally-reader", "reader-secret", "-@write")))
                .isEqualTo("OK");
    }

    @AfterAll
    static void stopRedis() throws IOException {
        if (redis != null) {
            redis.close();
        }
        try (var files = Files.walk(dir)) {
            files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(file -> file.toFile().delete());
        }
    }

    @BeforeEach
    void resetLog() {
        redis.cli("ACL", "LOG", "RESET");
        redis.cli("SCRIPT", "FLUSH");
        redis.cli("CONFIG", "RESETSTAT");
    }

    @AfterEach
    void showRefusals() {
        log.info("ACL LOG after the test: {}", redis.cli("ACL", "LOG").replace('\n', ' '));
    }

    /**
     * What {@code ACL LOG} lists, one entry a line, but Redisson's probe for a cluster proxy on connect (an
     * {@code EVAL} on the keys {@code test1} and {@code test2}, whose refusal it takes for "no proxy").
     */
    private static List<String> refusals() {
        List<String> entries = new ArrayList<>();
        for (String entry : redis.cli("ACL", "LOG").replace('\n', ' ').split("(^| )count ")) {
            if (!entry.isBlank() && !entry.contains("object test1 ")) {
                entries.add(entry.trim());
            }
        }
        return entries;
    }

    private static RedisBackend backend(String user, String password) {
        return RedisBackend.start(RedisTestSupport.settings(redis.port()).withCredentials(user, password),
                PodCountSettings.defaults(), Clock.systemUTC(), new SimpleMeterRegistry());
    }

    private static RefreshingPodCountCache cache(RedisBackend backend, CountingSource source) {
        return new RefreshingPodCountCache(source, backend.store(), backend.recentClusters(), backend.lock(),
                backend.events(), PodCountSettings.defaults(), new SimpleMeterRegistry(), Clock.systemUTC());
    }

    @Test
    @DisplayName("two replicas as that user: refresh, lock, events, recent clusters, invalidation and the clock "
            + "check all work, and Redis refused nothing")
    void everythingPodtallyDoes() {
        CountingSource source = new CountingSource(COUNTS).delay(Duration.ofMillis(300));
        try (RedisBackend first = backend("podtally", "podtally-secret");
                RedisBackend second = backend("podtally", "podtally-secret");
                RefreshingPodCountCache one = cache(first, source);
                RefreshingPodCountCache two = cache(second, source)) {
            List<PodCountEvent> heard = new CopyOnWriteArrayList<>();
            two.addListener(heard::add);
            await().atMost(WAIT).until(() -> first.problem() == null && Boolean.TRUE.equals(second.eventsSubscribed())
                    && first.clockSkew() != null && "tracking".equals(first.nearCache())
                    && "tracking".equals(second.nearCache()));

            var refreshing = one.refresh("acl");
            await().atMost(WAIT).until(() -> source.entered() == 1);
            assertThat(two.refresh("acl").orTimeout(10, TimeUnit.SECONDS).join())
                    .isEqualTo(RefreshOutcome.SKIPPED_LOCKED);
            assertThat(refreshing.orTimeout(10, TimeUnit.SECONDS).join()).isEqualTo(RefreshOutcome.COMPLETE);
            await().atMost(WAIT).until(() -> heard.contains(new PodCountEvent("acl", 1, PodCountEvent.Reason.WRITE)));
            assertThat(two.read("acl").counts()).isEqualTo(COUNTS);

            first.recentClusters().recordAsked(Map.of("acl", Instant.now()));
            assertThat(second.recentClusters().lastAsked()).containsKey("acl");
            one.invalidate("acl");
            await().atMost(WAIT).until(() -> heard.stream().anyMatch(e -> e.reason() == PodCountEvent.Reason.INVALIDATE));
            assertThat(two.read("acl").state()).isEqualTo(FreshnessState.LOADING);
            assertThat(first.problem()).isNull();
        }
        assertThat(refusals()).as("the refusals Redis logged").isEmpty();
        List<String> allowed = RedisTestSupport.documentedAclLine().stream().filter(word -> word.startsWith("+"))
                .map(word -> word.substring(1)).filter(command -> !command.equals("spublish")).toList();
        assertThat(commandsRun()).as("the commands podtally ran, as Redis counted them (inside scripts too)")
                .containsExactlyInAnyOrderElementsOf(allowed);
    }

    /** The commands of {@code INFO commandstats}, but those the test itself runs through redis-cli. */
    private static List<String> commandsRun() {
        return redis.cli("INFO", "commandstats").lines().filter(line -> line.startsWith("cmdstat_"))
                .map(line -> line.substring("cmdstat_".length(), line.indexOf(':')))
                .filter(command -> !command.startsWith("acl|") && !command.startsWith("config|")
                        && !command.equals("info"))
                .toList();
    }

    @Test
    @DisplayName("a user without write permission reads the counts others wrote, its own refresh answers "
            + "unavailable, and health says NOPERM")
    void withoutWritePermission() {
        CountingSource source = new CountingSource(COUNTS);
        try (RedisBackend writer = backend("podtally", "podtally-secret");
                RedisBackend reader = backend("podtally-reader", "reader-secret");
                RefreshingPodCountCache writing = cache(writer, source);
                RefreshingPodCountCache reading = cache(reader, source)) {
            assertThat(writing.refresh("acl-read").orTimeout(10, TimeUnit.SECONDS).join())
                    .isEqualTo(RefreshOutcome.COMPLETE);
            PodCountView served = reading.read("acl-read");
            assertThat(served.state()).isEqualTo(FreshnessState.FRESH);
            assertThat(served.counts()).isEqualTo(COUNTS);
            assertThat(reader.problem()).isNull();

            assertThat(reading.refresh("acl-read").orTimeout(10, TimeUnit.SECONDS).join())
                    .isEqualTo(RefreshOutcome.SKIPPED_UNAVAILABLE);

            assertThat(reader.problem()).startsWith("NOPERM").contains("writes refused");
            assertThat(writer.problem()).isNull();
            assertThat(source.calls()).isEqualTo(1);
            assertThat(reading.read("acl-read").counts()).as("last known counts, never 0").isEqualTo(COUNTS);
        }
    }
}
