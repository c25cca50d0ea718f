package io.podtally.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.podtally.cache.redis.RedisServer;
import io.podtally.k8s.sim.SimulatedCluster;
import tools.jackson.databind.json.JsonMapper;

/**
 * What open event streams cost one replica: starts a redis-server, a simulated cluster of 104 nodes and one replica
 * in a JVM of its own, measures the replica's threads, heap after a full GC and CPU for a minute with no stream,
 * then with {@code streams} streams open while one node changes every second (so every stream gets one event a
 * second), and prints the figures as a Markdown table.
 *
 * <p>{@code ./mvnw -B -q -pl bench -am -Pevent-streams process-test-classes [-Dstreams=1000]}
 */
public final class EventStreamLoad {

    private static final Logger log = LoggerFactory.getLogger(EventStreamLoad.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CLUSTER = "incident";
    private static final Duration WINDOW = Duration.ofSeconds(60);
    private static final String HEAP = "512m";

    private EventStreamLoad() {
    }

    public static void main(String[] args) throws Exception {
        int streams = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Path workDir = Files.createTempDirectory("podtally-event-streams");
        // a fixed clock keeps the metrics samples unchanged: the only changes are the ones made here
        SimulatedCluster sim = SimulatedCluster.incident().seed(7).pageLatency(Duration.ZERO)
                .clock(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC)).start();
        Path kubeconfig = sim.writeKubeconfig(workDir.resolve("kubeconfig.yaml"), CLUSTER);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (RedisServer redis = RedisServer.start(workDir.resolve("redis.log"));
                Replica replica = Replica.start("events", Design.PODTALLY, List.of(
                        "podtally.clusters.kubeconfig=" + kubeconfig,
                        "podtally.clusters.in-cluster=false",
                        "podtally.demo.enabled=off",
                        "podtally.store=redis",
                        "spring.data.redis.host=127.0.0.1",
                        "spring.data.redis.port=" + redis.port(),
                        "podtally.api.max-event-streams=" + streams,
                        "server.tomcat.max-connections=" + (streams + 100)), HEAP, workDir.resolve("replica.log"))) {
            awaitSynced(http, replica);
            Ticker ticker = new Ticker(sim);
            Thread ticks = new Thread(ticker, "node-ticks");
            ticks.setDaemon(true);
            ticks.start();

            Sample idle = measure(http, replica, () -> 0L);

            AtomicLong events = new AtomicLong();
            AtomicInteger open = new AtomicInteger();
            List<CompletableFuture<HttpResponse<Void>>> responses = new ArrayList<>(streams);
            long opening = System.nanoTime();
            for (int i = 0; i < streams; i++) {
                HttpRequest request = HttpRequest.newBuilder(replica.uri("/api/v1/events?cluster_name=" + CLUSTER))
                        .header("Accept", "text/event-stream").GET().build();
                responses.add(http.sendAsync(request, HttpResponse.BodyHandlers.fromLineSubscriber(
                        new EventCounter(events, open))));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (open.get() < streams && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
            Duration openedIn = Duration.ofNanos(System.nanoTime() - opening);
            log.info("{} of {} streams open in {} ms", open.get(), streams, openedIn.toMillis());
            Sample loaded = measure(http, replica, events::get);
            int stillOpen = open.get();
            ticker.stop();
            responses.forEach(r -> r.cancel(true));

            log.info("{}", report(streams, stillOpen, openedIn, idle, loaded));
        } finally {
            sim.close();
        }
    }

    private static String report(int streams, int open, Duration openedIn, Sample idle, Sample loaded) {
        double seconds = WINDOW.toMillis() / 1000.0;
        double eventsPerSecond = loaded.events / seconds;
        return new MarkdownTable("replica (-Xmx" + HEAP + ", 2 cores)", "no stream",
                String.format(Locale.ROOT, "%,d streams, one node change a second", streams))
                .row("streams open at the end", 0,
                        String.format(Locale.ROOT, "%,d (opened in %.1f s)", open, openedIn.toMillis() / 1000.0))
                .row("live threads", idle.threads, loaded.threads)
                .row("heap used after a full GC", String.format(Locale.ROOT, "%.1f MB", idle.heapBytes / 1e6),
                        String.format(Locale.ROOT, "%.1f MB (%.1f KB a stream)", loaded.heapBytes / 1e6,
                                (loaded.heapBytes - idle.heapBytes) / 1e3 / streams))
                .row("CPU of the replica",
                        String.format(Locale.ROOT, "%.1f %% of a core", 100.0 * idle.cpu.toMillis() / WINDOW.toMillis()),
                        String.format(Locale.ROOT, "%.1f %% of a core", 100.0 * loaded.cpu.toMillis() / WINDOW.toMillis()))
                .row("events received by the clients", "–", String.format(Locale.ROOT, "%,.0f a second (%.2f a stream)",
                        eventsPerSecond, eventsPerSecond / Math.max(1, open)))
                .render();
    }

    /** Threads and heap at the end of a window, and the CPU time and events within it. */
    private record Sample(long threads, long heapBytes, Duration cpu, long events) {
    }

    private static Sample measure(HttpClient http, Replica replica, java.util.function.LongSupplier events)
            throws IOException, InterruptedException {
        Duration cpuBefore = replica.cpuTime();
        long eventsBefore = events.getAsLong();
        TimeUnit.MILLISECONDS.sleep(WINDOW.toMillis());
        Duration cpu = replica.cpuTime().minus(cpuBefore);
        long received = events.getAsLong() - eventsBefore;
        fullGc(replica.pid());
        return new Sample((long) metric(http, replica, "jvm.threads.live", ""),
                (long) metric(http, replica, "jvm.memory.used", "?tag=area:heap"), cpu, received);
    }

    private static void fullGc(long pid) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.run")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("jcmd GC.run did not finish");
        }
    }

    private static double metric(HttpClient http, Replica replica, String name, String query)
            throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(replica.uri("/actuator/metrics/" + name + query))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(answer.body()).path("measurements").path(0).path("value").asDouble();
    }

    private static void awaitSynced(HttpClient http, Replica replica) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        URI health = replica.uri("/actuator/health");
        while (System.nanoTime() < deadline) {
            try {
                String body = http.send(HttpRequest.newBuilder(health).GET().build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                if ("synced".equals(JSON.readTree(body).path("components").path("clusters").path("details")
                        .path("clusters").path(CLUSTER).path("informer").asString())) {
                    return;
                }
            } catch (IOException e) {
                log.debug("replica not up yet: {}", e.toString());
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
        throw new IOException("the replica did not sync " + CLUSTER + " within 90 s");
    }

    /** Changes one node's label once a second. */
    private static final class Ticker implements Runnable {

        private final SimulatedCluster sim;
        private volatile boolean running = true;

        Ticker(SimulatedCluster sim) {
            this.sim = sim;
        }

        @Override
        public void run() {
            String node = sim.nodeNames().get(0);
            long tick = 0;
            while (running) {
                sim.setNodeLabel(node, "bench.podtally.io/tick", Long.toString(tick++));
                try {
                    TimeUnit.SECONDS.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void stop() {
            running = false;
        }
    }

    /** Counts the {@code event:} lines of one stream; no thread of its own. */
    private static final class EventCounter implements Flow.Subscriber<String> {

        private final AtomicLong events;
        private final AtomicInteger open;

        EventCounter(AtomicLong events, AtomicInteger open) {
            this.events = events;
            this.open = open;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            open.incrementAndGet();
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (line.startsWith("event:")) {
                events.incrementAndGet();
            }
        }

        @Override
        public void onError(Throwable failure) {
            open.decrementAndGet();
        }

        @Override
        public void onComplete() {
            open.decrementAndGet();
        }
    }
}
