package io.podtally.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.podtally.bench.load.LatencySummary;
import io.podtally.bench.load.LoadDriver;

/** Everything measured on one deployment: one design with 1 or 3 replicas. */
final class DeploymentRun {

    private static final Logger log = LoggerFactory.getLogger(DeploymentRun.class);

    private static final String PAGE_100 = "page=1&page_size=100";
    private static final Duration CACHED_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SINGLE_REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /** The seed's clients gave up after 30 s. */
    private static final Duration SEED_CLIENT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration ONE_COUNT_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration QUIET_DEADLINE = Duration.ofSeconds(90);

    private final Design design;
    private final int replicas;
    private final Settings settings;
    private final Environment environment;
    private final LoadDriver driver;
    private final Results results;

    DeploymentRun(Design design, int replicas, Settings settings, Environment environment, LoadDriver driver,
            Results results) {
        this.design = design;
        this.replicas = replicas;
        this.settings = settings;
        this.environment = environment;
        this.driver = driver;
        this.results = results;
    }

    void run() throws IOException, InterruptedException {
        log.info("=== {}: {} with {} replica(s)", environment.phase(), design.label(), replicas);
        Counters sinceStart = Counters.take(environment);
        try (Deployment deployment = Deployment.start(design, replicas, settings, environment, driver)) {
            if (environment.phase() == Environment.Phase.API_LOAD) {
                runApiLoad(deployment);
            } else if (design == Design.SEED_ORIGINAL) {
                runSeedOriginal(deployment, sinceStart);
            } else {
                runServing(deployment, sinceStart);
            }
        } finally {
            scanLogs();
        }
    }

    /**
     * Production freshness: after the start-up counts nothing is refreshed while the deployment is
     * measured, so the warm figures are those of the serving path.
     */
    private void runServing(Deployment deployment, Counters sinceStart) throws IOException, InterruptedException {
        String incident = environment.incident().name();
        String large = environment.large().orElseThrow().name();
        for (Replica replica : deployment.replicas()) {
            deployment.nodes(replica, incident, PAGE_100, Deployment.IDENTITY, SINGLE_REQUEST_TIMEOUT);
            deployment.nodes(replica, large, PAGE_100, Deployment.IDENTITY, SINGLE_REQUEST_TIMEOUT);
        }
        deployment.awaitCounts(incident, Duration.ofMinutes(2));
        long waitStart = System.nanoTime();
        boolean loaded = deployment.awaitCounts(large, Duration.ofMinutes(6));
        results.notes.add(String.format(Locale.ROOT, "%s ×%d: large cluster counts %s on every replica %d s after"
                + " the replicas served", design.label(), replicas, loaded ? "loaded" : "NOT loaded",
                Duration.ofNanos(System.nanoTime() - waitStart).toSeconds()));
        Counters startupCounts = Counters.take(environment);
        results.listSequences.addAll(sinceStart.until(startupCounts, design, replicas, environment, 0,
                "start-up: one count per cluster"));
        cold(deployment, incident, settings.coldIncident(), SINGLE_REQUEST_TIMEOUT, true);

        warmUp(deployment, List.of(Deployment.nodesPath(incident, ""), Deployment.nodesPath(large, PAGE_100),
                Deployment.nodesPath(large, "")));
        Counters warmCounts = Counters.take(environment);
        Window window = Window.open(deployment);
        scenario(deployment, incident, "", Settings.PAGE_RATE);
        scenario(deployment, large, PAGE_100, Settings.PAGE_RATE);
        scenario(deployment, large, "", Settings.FULL_LIST_RATE);
        if (design == Design.PODTALLY) {
            responseBytes(deployment);
        }
        window.close(results, design, environment.phase());
        results.listSequences.addAll(warmCounts.until(Counters.take(environment), design, replicas, environment, 0,
                "warm runs (within fresh-for)"));
        cold(deployment, large, settings.coldLarge(), SINGLE_REQUEST_TIMEOUT, false);
    }

    private void runSeedOriginal(Deployment deployment, Counters sinceStart) throws IOException, InterruptedException {
        String incident = environment.incident().name();
        cold(deployment, incident, settings.coldIncident(), ONE_COUNT_TIMEOUT, false);
        if (environment.large().isPresent()) {
            cold(deployment, environment.large().get().name(), settings.coldLargeSeedOriginal(), ONE_COUNT_TIMEOUT,
                    false);
        }
        Window window = Window.open(deployment);
        saturate(deployment, incident, "", SEED_CLIENT_TIMEOUT);
        // last: the server goes on counting for requests whose clients gave up, until it is stopped
        Counters before = Counters.take(environment);
        LatencySummary overload = fixed(deployment, incident, "", Settings.PAGE_RATE, settings.warmSeedOriginal(),
                SEED_CLIENT_TIMEOUT);
        results.listSequences.addAll(before.until(Counters.take(environment), design, replicas, environment,
                overload.requests(), "fixed-rate run: one count per request").stream()
                .filter(l -> l.cluster().equals(incident)).toList());
        window.close(results, design, environment.phase());
        results.listSequences.addAll(sinceStart.until(Counters.take(environment), design, replicas, environment, 0,
                "whole deployment"));
    }

    /** Steady load on the incident cluster for a window with shortened freshness; counts the LIST sequences. */
    private void runApiLoad(Deployment deployment) throws IOException, InterruptedException {
        String incident = environment.incident().name();
        for (Replica replica : deployment.replicas()) {
            deployment.nodes(replica, incident, PAGE_100, Deployment.IDENTITY, SINGLE_REQUEST_TIMEOUT);
        }
        deployment.awaitCounts(incident, Duration.ofMinutes(1));
        Counters before = Counters.take(environment);
        Window window = Window.open(deployment);
        LatencySummary steady = fixed(deployment, incident, "", settings.apiLoadRate(), settings.apiLoadWindow(),
                CACHED_TIMEOUT);
        window.close(results, design, environment.phase());
        results.listSequences.addAll(before.until(Counters.take(environment), design, replicas, environment,
                steady.requests(), "steady load"));
    }

    private void scenario(Deployment deployment, String cluster, String query, double rate)
            throws IOException, InterruptedException {
        saturate(deployment, cluster, query, CACHED_TIMEOUT);
        if (design == Design.PODTALLY) {
            profile(deployment, cluster, query);
        }
        deployment.awaitQuiet(QUIET_DEADLINE);
        LatencySummary summary = fixed(deployment, cluster, query, rate, settings.warm(), CACHED_TIMEOUT);
        if (summary.timeouts() > 0) {
            deployment.awaitQuiet(QUIET_DEADLINE);
        }
    }

    /** One more saturation run, not recorded, with the first replica under JDK Flight Recorder. */
    private void profile(Deployment deployment, String cluster, String query) throws IOException, InterruptedException {
        Replica profiled = deployment.replicas().get(0);
        String recording = "bench-" + results.profiles.size();
        Profiles.start(profiled, recording);
        driver.closedLoop(deployment.everywhere(Deployment.nodesPath(cluster, query)), Deployment.GZIP,
                settings.saturationClients(), settings.saturation(), CACHED_TIMEOUT);
        results.profiles.add(Profiles.stop(profiled, recording,
                environment.workDir().resolve(profiled.name() + "-" + recording + ".jfr"),
                scenario(cluster, query) + ", saturation"));
    }

    /** Sends requests for a while so that the replicas' JIT has compiled the request path; nothing is recorded. */
    private void warmUp(Deployment deployment, List<String> paths) throws InterruptedException {
        List<URI> targets = new ArrayList<>();
        paths.forEach(path -> targets.addAll(deployment.everywhere(path)));
        LatencySummary summary = driver.closedLoop(targets, Deployment.GZIP, settings.saturationClients(),
                settings.warmUp(), CACHED_TIMEOUT);
        log.info("warm-up: {} requests, {} req/s", summary.completed(), Math.round(summary.throughput()));
        deployment.awaitQuiet(QUIET_DEADLINE);
    }

    private void cold(Deployment deployment, String cluster, int repetitions, Duration timeout, boolean awaitRefill)
            throws IOException, InterruptedException {
        List<Duration> samples = new ArrayList<>();
        List<String> states = new ArrayList<>();
        List<Integer> nulls = new ArrayList<>();
        List<Integer> zeros = new ArrayList<>();
        List<Integer> nodes = new ArrayList<>();
        for (int i = 0; i < repetitions; i++) {
            Replica replica = deployment.replicas().get(i % deployment.size());
            deployment.invalidate(cluster, replica);
            Deployment.NodeListAnswer answer = deployment.nodes(replica, cluster, "", Deployment.IDENTITY, timeout);
            samples.add(answer.elapsed());
            states.add(answer.status() == 200 ? answer.state() : "http-" + answer.status());
            nulls.add(answer.nullCounts());
            zeros.add(answer.zeroCounts());
            nodes.add(answer.nodes());
            log.info("cold {} on {}: {} ms, state {}, {} nodes, {} null counts", cluster, replica.name(),
                    answer.elapsed().toMillis(), answer.state(), answer.nodes(), answer.nullCounts());
            if (awaitRefill) {
                deployment.awaitCounts(cluster, Duration.ofMinutes(1));
            }
        }
        if (repetitions > 0) {
            results.cold.add(new Results.Cold(design, replicas, cluster, samples, states, nulls, zeros, nodes));
        }
    }

    private LatencySummary fixed(Deployment deployment, String cluster, String query, double rate, Duration duration,
            Duration timeout) {
        String scenario = scenario(cluster, query);
        log.info("fixed rate {} req/s for {} s: {}", rate, duration.toSeconds(), scenario);
        LatencySummary summary = driver.openLoop(deployment.everywhere(Deployment.nodesPath(cluster, query)),
                Deployment.GZIP, rate, duration, timeout);
        log.info("  p50 {} µs, p99 {} µs, max {} µs, {} timeouts, statuses {}", summary.p50Micros(),
                summary.p99Micros(), summary.maxMicros(), summary.timeouts(), summary.statuses());
        results.load.add(new Results.Load(environment.phase(), design, replicas, scenario, "fixed", rate, timeout,
                summary));
        return summary;
    }

    private void saturate(Deployment deployment, String cluster, String query, Duration timeout) {
        String scenario = scenario(cluster, query);
        LatencySummary summary = driver.closedLoop(deployment.everywhere(Deployment.nodesPath(cluster, query)),
                Deployment.GZIP, settings.saturationClients(), settings.saturation(), timeout);
        log.info("saturation {}: {} req/s, p99 {} µs", scenario, Math.round(summary.throughput()), summary.p99Micros());
        results.load.add(new Results.Load(environment.phase(), design, replicas, scenario, "saturation",
                settings.saturationClients(), timeout, summary));
    }

    private void responseBytes(Deployment deployment) throws InterruptedException {
        Replica replica = deployment.replicas().get(0);
        for (ClusterUnderTest cluster : environment.clusters()) {
            for (String query : List.of("", PAGE_100)) {
                try {
                    Deployment.NodeListAnswer identity = deployment.nodes(replica, cluster.name(), query,
                            Deployment.IDENTITY, SINGLE_REQUEST_TIMEOUT);
                    Deployment.NodeListAnswer gzip = deployment.nodes(replica, cluster.name(), query, Deployment.GZIP,
                            SINGLE_REQUEST_TIMEOUT);
                    results.responseBytes.add(new Results.ResponseBytes(cluster.name(),
                            query.isEmpty() ? "all nodes" : query, identity.nodes(), identity.bytes(), gzip.bytes(),
                            gzip.contentEncoding()));
                } catch (IOException e) {
                    results.notes.add("bytes per response, " + cluster.name() + " " + query + ": " + e);
                }
            }
        }
    }

    /** Notes what the replicas' logs say about degraded service during the run. */
    private void scanLogs() throws IOException {
        String prefix = Deployment.prefix(design, replicas, environment) + "-r";
        Map<String, String> needles = new TreeMap<>(Map.of(
                "Pod-count store unreachable", "reads that found Redis unreachable (served `unavailable`)",
                "has been blocked for", "Vert.x event-loop blocked warnings",
                "OutOfMemoryError", "OutOfMemoryError"));
        for (Map.Entry<String, String> needle : needles.entrySet()) {
            long total = 0;
            for (int i = 1; i <= replicas; i++) {
                Path file = environment.workDir().resolve(prefix + i + ".log");
                if (Files.exists(file)) {
                    try (Stream<String> lines = Files.lines(file)) {
                        total += lines.filter(line -> line.contains(needle.getKey())).count();
                    }
                }
            }
            if (total > 0) {
                results.notes.add(String.format(Locale.ROOT, "%s, %s ×%d: %d log lines of %s", environment.phase(),
                        design.label(), replicas, total, needle.getValue()));
            }
        }
    }

    private static String scenario(String cluster, String query) {
        return query.isEmpty() ? cluster + " all nodes" : cluster + " " + query;
    }

    /** The API server's pod-list counters of every cluster of the phase at one moment. */
    private record Counters(Map<String, long[]> byCluster, long nanoTime) {

        static Counters take(Environment environment) {
            Map<String, long[]> byCluster = new HashMap<>();
            for (ClusterUnderTest cluster : environment.clusters()) {
                byCluster.put(cluster.name(), new long[] {cluster.podListSequences(), cluster.podListPages()});
            }
            return new Counters(byCluster, System.nanoTime());
        }

        List<Results.ListSequences> until(Counters end, Design design, int replicas, Environment environment,
                long requests, String during) {
            Duration window = Duration.ofNanos(end.nanoTime - nanoTime);
            List<Results.ListSequences> list = new ArrayList<>();
            for (ClusterUnderTest cluster : environment.clusters()) {
                long[] before = byCluster.get(cluster.name());
                long[] after = end.byCluster.get(cluster.name());
                list.add(new Results.ListSequences(environment.phase(), design, replicas, cluster.name(), during, window,
                        after[0] - before[0], after[1] - before[1], environment.freshFor(), requests));
            }
            return list;
        }
    }

    /** The replicas' CPU over a stretch of the run. */
    private static final class Window {
        private final Deployment deployment;
        private final long start;
        private final Duration cpu;

        private Window(Deployment deployment, long start, Duration cpu) {
            this.deployment = deployment;
            this.start = start;
            this.cpu = cpu;
        }

        static Window open(Deployment deployment) {
            return new Window(deployment, System.nanoTime(), cpu(deployment));
        }

        void close(Results results, Design design, Environment.Phase phase) {
            results.replicaCpu.add(new Results.ReplicaCpu(phase, design, deployment.size(),
                    Duration.ofNanos(System.nanoTime() - start), cpu(deployment).minus(cpu)));
        }

        private static Duration cpu(Deployment deployment) {
            return deployment.replicas().stream().map(Replica::cpuTime).reduce(Duration.ZERO, Duration::plus);
        }
    }
}
