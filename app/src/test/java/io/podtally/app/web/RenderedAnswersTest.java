package io.podtally.app.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.json.JsonMapper;

@DisplayName("Rendered answers: refreshed in the background, a lenient change served late for a bounded moment")
@Timeout(30)
class RenderedAnswersTest {

    private static final String SLOT = "json sim all";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final RenderedAnswers answers = new RenderedAnswers(meters, nanos::get,
            Duration.ZERO);
    private final ExecutorService requests = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        requests.shutdownNow();
        answers.destroy();
    }

    @Test
    @DisplayName("the same tag asked again is served from the cache, built once")
    void sameTagBuiltOnce() {
        AtomicInteger builds = new AtomicInteger();
        Supplier<Object> body = counting(builds);

        RenderedAnswers.Answer first = answers.answer(request("A", "x", body));
        RenderedAnswers.Answer second = answers.answer(request("A", "x", body));

        assertThat(builds).hasValue(1);
        assertThat(second.bytes()).isEqualTo(first.bytes());
        assertThat(second.etag()).isEqualTo("A");
        assertThat(count("hit")).isEqualTo(1);
        assertThat(count("miss")).isEqualTo(1);
    }

    @Test
    @DisplayName("after the refresh time the old bytes are served at once while the answer is built again")
    void refreshServesOldBytesWhileBuilding() throws Exception {
        AtomicInteger builds = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        Supplier<Object> body = counting(builds, release, 2);
        RenderedAnswers.Answer first = answers.answer(request("A", "x", body));

        advance(RenderedAnswers.REFRESH_AFTER_WRITE.plusSeconds(1));
        RenderedAnswers.Answer during = answers.answer(request("A", "x", body));

        assertThat(during.bytes()).isEqualTo(first.bytes());
        await().atMost(WAIT).until(() -> builds.get() == 2);
        release.countDown();
        await().atMost(WAIT).untilAsserted(() -> assertThat(text(answers.answer(request("A", "x", body))))
                .contains("\"build\":2"));
        assertThat(count("miss")).isEqualTo(1);
        assertThat(count("refresh")).isEqualTo(1);
    }

    @Test
    @DisplayName("the answer last served to a query is refreshed without a request while the query was asked for lately")
    void keptWarmWithoutRequests() {
        AtomicInteger builds = new AtomicInteger();
        Supplier<Object> body = counting(builds);
        answers.answer(request("A", "x", body));

        advance(RenderedAnswers.REFRESH_AFTER_WRITE.plusSeconds(1));
        await().atMost(WAIT).until(() -> builds.get() == 2);
        // the refreshed answer is in place (its age starts again) before the clock moves on
        await().atMost(WAIT).until(() -> answers.ageOf(request("A", "x", body)).map(Duration::isZero).orElse(false));
        advance(RenderedAnswers.EXPIRE_AFTER_WRITE.minusSeconds(1));
        await().atMost(WAIT).until(() -> builds.get() == 3);

        assertThat(text(answers.answer(request("A", "x", body)))).contains("\"build\":3");
        assertThat(count("miss")).isEqualTo(1);
    }

    @Test
    @DisplayName("a query nobody asked for within the keep-warm time is no longer refreshed")
    void coldQueryNotRefreshed() {
        AtomicInteger builds = new AtomicInteger();
        answers.answer(request("A", "x", counting(builds)));

        advance(RenderedAnswers.KEEP_WARM.plusSeconds(1));

        await().pollDelay(Duration.ofMillis(2500)).atMost(WAIT).until(() -> builds.get() == 1);
    }

    @Test
    @DisplayName("an answer nobody asked for within the expiry is built again on the request")
    void idleAnswerExpires() {
        AtomicInteger builds = new AtomicInteger();
        Supplier<Object> body = counting(builds);
        answers.answer(request("A", "x", body));

        advance(RenderedAnswers.EXPIRE_AFTER_WRITE.plusSeconds(1));
        RenderedAnswers.Answer again = answers.answer(request("A", "x", body));

        assertThat(text(again)).contains("\"build\":2");
        assertThat(count("miss")).isEqualTo(2);
    }

    @Test
    @DisplayName("a change of the strict part (pod counts) is answered on the request that sees it")
    void strictChangeAnsweredAtOnce() {
        answers.answer(request("A", "generation 1", counting(new AtomicInteger())));

        RenderedAnswers.Answer changed = answers.answer(request("B", "generation 2", () -> Map.of("generation", 2)));

        assertThat(changed.etag()).isEqualTo("B");
        assertThat(text(changed)).contains("\"generation\":2");
        assertThat(count("stale")).isZero();
    }

    @Test
    @DisplayName("a lenient change (metrics) serves the previous answer with its own tag, then waits after the lag")
    void lenientChangeBoundedLag() throws Exception {
        RenderedAnswers.Answer a = answers.answer(request("A", "x", () -> Map.of("metrics", 1)));
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger builds = new AtomicInteger();
        Supplier<Object> newer = counting(builds, release, 1);

        RenderedAnswers.Answer meanwhile = answers.answer(request("B", "x", newer));
        assertThat(meanwhile.etag()).isEqualTo("A");
        assertThat(meanwhile.bytes()).isEqualTo(a.bytes());
        assertThat(count("stale")).isEqualTo(1);

        advance(RenderedAnswers.MAX_LAG.plusMillis(100));
        CompletableFuture<RenderedAnswers.Answer> late = CompletableFuture.supplyAsync(
                () -> answers.answer(request("B", "x", newer)), requests);
        await().pollDelay(Duration.ofMillis(300)).atMost(WAIT).until(() -> !late.isDone());
        release.countDown();

        RenderedAnswers.Answer b = late.get(10, TimeUnit.SECONDS);
        assertThat(b.etag()).isEqualTo("B");
        assertThat(text(b)).contains("\"build\":1");
        assertThat(builds).hasValue(1);
        assertThat(text(answers.answer(request("B", "x", newer)))).contains("\"build\":1");
    }

    @Test
    @DisplayName("only an answer that took long to build stands in: a cheap one is built on the request that sees the change")
    void onlySlowAnswersStandIn() {
        RenderedAnswers slow = new RenderedAnswers(meters, nanos::get,
                Duration.ofMillis(20));
        try {
            AtomicInteger builds = new AtomicInteger();
            Supplier<Object> cheap = counting(builds);
            slow.answer(request("A", "x", cheap));

            RenderedAnswers.Answer changed = slow.answer(request("B", "x", cheap));

            assertThat(changed.etag()).as("a 0 ms build is not stood in for").isEqualTo("B");
            // a body whose build takes 50 ms on the clock of the answers
            Supplier<Object> costly = () -> {
                advance(Duration.ofMillis(50));
                return Map.of("build", builds.incrementAndGet());
            };
            slow.answer(request("C", "x", costly));

            RenderedAnswers.Answer standIn = slow.answer(request("D", "x", costly));

            assertThat(standIn.etag()).as("the 50 ms answer stands in while the new one is built").isEqualTo("C");
        } finally {
            slow.destroy();
        }
    }

    @Test
    @DisplayName("a query whose answer once took long to build stands in for a change after cheap rebuilds of the same nodes")
    void costlyQueryStandsInAfterCheapRebuilds() {
        RenderedAnswers slow = new RenderedAnswers(meters, nanos::get, Duration.ofMillis(20));
        try {
            AtomicInteger builds = new AtomicInteger();
            // the first build takes 50 ms on the clock of the answers, the rebuilds of the same inputs none
            Supplier<Object> costlyOnce = () -> {
                if (builds.incrementAndGet() == 1) {
                    advance(Duration.ofMillis(50));
                }
                return Map.of("build", builds.get());
            };
            slow.answer(request("A", "x", costlyOnce));
            advance(RenderedAnswers.REFRESH_AFTER_WRITE.plusSeconds(1));
            slow.answer(request("A", "x", costlyOnce));
            await().atMost(WAIT).until(() -> slow.ageOf(request("A", "x", costlyOnce))
                    .map(Duration::isZero).orElse(false));

            RenderedAnswers.Answer standIn = slow.answer(request("B", "x", counting(builds)));

            assertThat(builds.get()).as("rebuilt once, cheaply").isGreaterThanOrEqualTo(2);
            assertThat(standIn.etag()).as("the 50 ms query still stands in while the new answer is built").isEqualTo("A");
        } finally {
            slow.destroy();
        }
    }

    @Test
    @DisplayName("requests of a new tag arriving together build it once")
    void singleFlight() throws Exception {
        answers.answer(request("A", "generation 1", () -> Map.of("generation", 1)));
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger builds = new AtomicInteger();
        Supplier<Object> body = counting(builds, release, 1);

        List<CompletableFuture<RenderedAnswers.Answer>> waiting = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            waiting.add(CompletableFuture.supplyAsync(() -> answers.answer(request("B", "generation 2", body)),
                    requests));
        }
        await().atMost(WAIT).until(() -> builds.get() == 1);
        release.countDown();

        for (CompletableFuture<RenderedAnswers.Answer> answer : waiting) {
            assertThat(answer.get(10, TimeUnit.SECONDS).etag()).isEqualTo("B");
        }
        assertThat(builds).hasValue(1);
    }

    private static RenderedAnswers.Request request(String etag, String strict, Supplier<Object> body) {
        return new RenderedAnswers.Request(SLOT, etag, strict, false, () -> JSON.writeValueAsBytes(body.get()));
    }

    /** A body that counts its builds and, when {@code release} is given, waits for it from build {@code from} on. */
    private static Supplier<Object> counting(AtomicInteger builds, CountDownLatch release, int from) {
        return () -> {
            int build = builds.incrementAndGet();
            if (release != null && build >= from) {
                awaitQuietly(release);
            }
            return Map.of("build", build);
        };
    }

    private static Supplier<Object> counting(AtomicInteger builds) {
        return counting(builds, null, 0);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    private double count(String result) {
        return meters.get("podtally.api.rendered").tag("result", result).counter().count();
    }

    private static String text(RenderedAnswers.Answer answer) {
        return new String(answer.bytes(), StandardCharsets.UTF_8);
    }
}
