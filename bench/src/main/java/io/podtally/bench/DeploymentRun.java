package io.podtally.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.podtally.bench.load.LatencySummary;
import io.podtally.bench.load.LoadDriver;

/** Everything measured on one deployment: one design with 1 or 3 replicas, both clusters. */
final class DeploymentRun {

    private static final Logger log = LoggerFactory.getLogger(DeploymentRun.class);

    private static final String PAGE_100 = "page=1&page_size=100";
    private static final Duration CACHED_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SINGLE_REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /** The seed's clients gave up after 30 s. */
    private static final Duration SEED_CLIENT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration ONE_COUNT_TIMEOUT = Duration.ofMinutes(5);
    private static final double STEADY_RATE = 4;

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
        log.info("=== {} with {} replica(s)", design.label(), replicas);
        try (Deployment deployment = Deployment.start(design, replicas, settings, environment, driver)) {
            if (design == Design.SEED_ORIGINAL) {
                runSeedOriginal(deployment);
            } else {
                runCached(deployment);
            }
        } finally {
            scanLogs();
        }
    }

    /** Notes what the replicas' logs say about degraded service during the run. */
    private void scanLogs() throws IOException {
        String prefix = design.name().toLowerCase(java.util.Locale.ROOT) + "-" + replicas + "-r";
        Map<String, String> needles = Map.of(
                "Pod-count store unreachable", "reads that found Redis unreachable (served `unavailable`)",
                "has been blocked for", "Vert.x event-loop blocked warnings",
                "OutOfMemoryError", "OutOfMemoryError");
        for (Map.Entry<String, String> needle : new java.util.TreeMap<>(needles).entrySet()) {
            long total = 0;
            for (int i = 1; i <= replicas; i++) {
                java.nio.file.Path log = environment.workDir().resolve(prefix + i + ".log");
                if (java.nio.file.Files.exists(log)) {
                    try (java.util.stream.Stream<String> lines = java.nio.file.Files.lines(log)) {
                        total += lines.filter(line -> line.contains(needle.getKey())).count();
                    }
                }
            }
            if (total > 0) {
                results.notes.add(String.format("%s ×%d: %d log lines of %s", design.label(), replicas, total,
                        needle.getValue()));
            }
        }
    }

    private void runCached(Deployment deployment) throws IOException, InterruptedException {
        String incident = environment.incident().name();
        String large = environment.large().name();
        // Every replica reads both clusters once, so that the large cluster's first count (the
        // longest) runs while the incident cluster is measured.
        for (Replica replica : deployment.replicas()) {
            deployment.nodes(replica, incident, PAGE_100, Deployment.IDENTITY, CACHED_TIMEOUT);
            deployment.nodes(replica, large, PAGE_100, Deployment.IDENTITY, CACHED_TIMEOUT);
        }
        warmUp(deployment, List.of(Deployment.nodesPath(incident, ""), Deployment.nodesPath(large, PAGE_100)));
        deployment.awaitCounts(incident, Duration.ofMinutes(2));
        cold(deployment, incident, settings.coldIncident(), SINGLE_REQUEST_TIMEOUT, true);

        Window window = Window.open(deployment, environment);
        List<java.net.URI> steadyTargets = new ArrayList<>(deployment.everywhere(Deployment.nodesPath(incident, "")));
        steadyTargets.addAll(deployment.everywhere(Deployment.nodesPath(large, PAGE_100)));
        long steadyRequests;
        try (SteadyLoad steady = SteadyLoad.start(driver, steadyTargets, STEADY_RATE)) {
            if (replicas == 1) {
                fixed(deployment, incident, "", settings.singleReplicaRate(), settings.singleReplicaWindow(),
                        CACHED_TIMEOUT);
            } else {
                fixed(deployment, incident, "", Settings.PAGE_RATE, settings.warm(), CACHED_TIMEOUT);
                saturate(deployment, incident, "", CACHED_TIMEOUT);
                long waitStart = System.nanoTime();
                boolean loaded = deployment.awaitCounts(large, Duration.ofMinutes(5));
                results.notes.add(String.format("%s ×%d: large cluster counts %s %d s after the incident runs",
                        design.label(), replicas, loaded ? "loaded" : "NOT loaded",
                        Duration.ofNanos(System.nanoTime() - waitStart).toSeconds()));
                fixed(deployment, large, PAGE_100, Settings.PAGE_RATE, settings.warm(), CACHED_TIMEOUT);
                saturate(deployment, large, PAGE_100, CACHED_TIMEOUT);
                fixed(deployment, large, "", Settings.FULL_LIST_RATE, settings.warm(), CACHED_TIMEOUT);
                saturate(deployment, large, "", CACHED_TIMEOUT);
                if (design == Design.PODTALLY) {
                    responseBytes(deployment);
                }
            }
            steadyRequests = steady.sent();
        }
        window.close(results, design, settings, steadyRequests);
        cold(deployment, large, settings.coldLarge(), SINGLE_REQUEST_TIMEOUT, false);
    }

    private void runSeedOriginal(Deployment deployment) throws IOException, InterruptedException {
        String incident = environment.incident().name();
        String large = environment.large().name();
        if (replicas == settings.replicaCounts().get(0)) {
            cold(deployment, incident, settings.coldIncident(), ONE_COUNT_TIMEOUT, false);
            cold(deployment, large, settings.coldLargeSeedOriginal(), ONE_COUNT_TIMEOUT, false);
        }
        saturate(deployment, incident, "", SEED_CLIENT_TIMEOUT);
        // last: the server goes on counting for requests whose clients gave up, until it is stopped
        Window window = Window.open(deployment, environment);
        fixed(deployment, incident, "", Settings.PAGE_RATE, settings.warmSeedOriginal(), SEED_CLIENT_TIMEOUT);
        window.close(results, design, settings, 0);
    }

    /** Sends requests for a while so that the replicas' JIT has compiled the request path; nothing is recorded. */
    private void warmUp(Deployment deployment, List<String> paths) {
        List<java.net.URI> targets = new ArrayList<>();
        paths.forEach(path -> targets.addAll(deployment.everywhere(path)));
        LatencySummary summary = driver.closedLoop(targets, Deployment.GZIP, settings.saturationClients(), settings.warmUp(),
                CACHED_TIMEOUT);
        log.info("warm-up: {} requests, {} req/s", summary.completed(), Math.round(summary.throughput()));
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

    private void fixed(Deployment deployment, String cluster, String query, double rate, Duration duration,
            Duration timeout) {
        String scenario = scenario(cluster, query);
        log.info("fixed rate {} req/s for {} s: {}", rate, duration.toSeconds(), scenario);
        LatencySummary summary = driver.openLoop(deployment.everywhere(Deployment.nodesPath(cluster, query)),
                Deployment.GZIP, rate, duration, timeout);
        log.info("  p50 {} µs, p99 {} µs, max {} µs, {} timeouts, statuses {}", summary.p50Micros(),
                summary.p99Micros(), summary.maxMicros(), summary.timeouts(), summary.statuses());
        results.load.add(new Results.Load(design, replicas, scenario, "fixed", rate, timeout, summary));
    }

    private void saturate(Deployment deployment, String cluster, String query, Duration timeout) {
        String scenario = scenario(cluster, query);
        LatencySummary summary = driver.closedLoop(deployment.everywhere(Deployment.nodesPath(cluster, query)),
                Deployment.GZIP, settings.saturationClients(), settings.saturation(), timeout);
        log.info("saturation {}: {} req/s, p99 {} µs", scenario, Math.round(summary.throughput()), summary.p99Micros());
        results.load.add(new Results.Load(design, replicas, scenario, "saturation", settings.saturationClients(),
                timeout, summary));
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

    private static String scenario(String cluster, String query) {
        return query.isEmpty() ? cluster + " all nodes" : cluster + " " + query;
    }

    /** A steady window: the API server's counters and the replicas' CPU at its start. */
    private static final class Window {
        private final Deployment deployment;
        private final Environment environment;
        private final long start;
        private final Map<String, long[]> counters;
        private final Duration cpu;

        private Window(Deployment deployment, Environment environment, long start, Map<String, long[]> counters,
                Duration cpu) {
            this.deployment = deployment;
            this.environment = environment;
            this.start = start;
            this.counters = counters;
            this.cpu = cpu;
        }

        static Window open(Deployment deployment, Environment environment) {
            return new Window(deployment, environment, System.nanoTime(), snapshot(environment), cpu(deployment));
        }

        void close(Results results, Design design, Settings settings, long steadyRequests) {
            Duration length = Duration.ofNanos(System.nanoTime() - start);
            Map<String, long[]> end = snapshot(environment);
            for (ClusterUnderTest cluster : environment.clusters()) {
                long[] before = counters.get(cluster.name());
                long[] after = end.get(cluster.name());
                results.listSequences.add(new Results.ListSequences(design, deployment.size(), cluster.name(), length,
                        after[0] - before[0], after[1] - before[1], settings.freshFor(), steadyRequests));
            }
            results.replicaCpu.add(new Results.ReplicaCpu(design, deployment.size(), length, cpu(deployment).minus(cpu)));
        }

        private static Map<String, long[]> snapshot(Environment environment) {
            Map<String, long[]> counters = new java.util.HashMap<>();
            for (ClusterUnderTest cluster : environment.clusters()) {
                counters.put(cluster.name(), new long[] {cluster.podListSequences(), cluster.podListPages()});
            }
            return counters;
        }

        private static Duration cpu(Deployment deployment) {
            return deployment.replicas().stream().map(Replica::cpuTime).reduce(Duration.ZERO, Duration::plus);
        }
    }
}
