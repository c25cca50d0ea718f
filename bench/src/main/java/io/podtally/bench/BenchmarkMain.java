package io.podtally.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.podtally.bench.load.LoadDriver;
import io.podtally.cache.redis.RedisServer;

/**
 * The benchmark: podtally against the seed's designs, on the simulated incident and large
 * clusters, with 1 and 3 replicas sharing one Redis, everything on 127.0.0.1. Writes
 * {@code docs/performance.md}.
 *
 * <p>Arguments: the mode ({@code full} or {@code quick}, optionally followed by
 * {@code only=part,part} with parts {@code jmh}, {@code inprocess}, {@code http}, {@code near}), then the
 * output file. {@code near} (the near cache side by side, {@link NearCacheMeasurement}) runs only when named; it
 * writes its own section and leaves the rest of the file as it is.
 */
public final class BenchmarkMain {

    static final String COMMAND = "./mvnw -B -q -pl bench -am -Pbench process-test-classes";

    private static final Logger log = LoggerFactory.getLogger(BenchmarkMain.class);

    private BenchmarkMain() {
    }

    public static void main(String[] args) throws Exception {
        List<String> words = Arrays.asList((args.length > 0 ? args[0] : "full").trim().split("\\s+"));
        Settings settings = words.contains("quick") ? Settings.smoke() : Settings.full();
        Set<String> parts = words.stream().filter(w -> w.startsWith("only=")).findFirst()
                .map(w -> Set.of(w.substring("only=".length()).split(",")))
                .orElse(Set.of("jmh", "inprocess", "http"));
        Path output = Path.of(args.length > 1 ? args[1] : "docs/performance.md");
        Path workDir = Files.createDirectories(Path.of("bench", "target", "bench-run"));
        Machine machine = Machine.current();
        Results results = new Results();
        long started = System.nanoTime();
        log.info("benchmark, {} mode, parts {}; logs in {}", settings.mode(), parts, workDir.toAbsolutePath());

        try (RedisServer redis = RedisServer.start(workDir.resolve("redis.log"));
                SimulatedClusters sims = SimulatedClusters.start(settings.pageLatency());
                LoadDriver driver = new LoadDriver()) {
            String token = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
            Environment serving = new Environment(Environment.Phase.SERVING, workDir,
                    sims.writeKubeconfig(workDir.resolve("kubeconfig")), List.of(sims.incident(), sims.large()),
                    redis.port(), token, Settings.FRESH_FOR, Settings.STALE_FOR);
            Environment apiLoad = new Environment(Environment.Phase.API_LOAD, workDir,
                    SimulatedClusters.writeKubeconfig(sims.incident(), workDir.resolve("kubeconfig-api-load")),
                    List.of(sims.incident()), redis.port(), token, settings.apiFreshFor(), settings.apiStaleFor());
            if (parts.contains("jmh")) {
                Microbenchmarks.run(settings, redis.port(), workDir, results);
            }
            if (parts.contains("inprocess")) {
                InProcessMeasurements.run(settings, sims, workDir, results);
            }
            if (parts.contains("http")) {
                for (Settings.Deploy deploy : settings.apiLoad()) {
                    redis.cli("FLUSHALL");
                    runDeployment(deploy, settings, apiLoad, driver, results);
                }
                for (Settings.Deploy deploy : settings.serving()) {
                    redis.cli("FLUSHALL");
                    runDeployment(deploy, settings, serving, driver, results);
                }
            }
            if (parts.contains("near")) {
                new NearCacheMeasurement(settings, serving, driver, redis.port()).run(output,
                        COMMAND + " -Dbench.args=\"" + String.join(" ", words) + "\"");
            }
            if (parts.contains("jmh") || parts.contains("inprocess") || parts.contains("http")) {
                String command = COMMAND + (settings.isQuick() ? " -Dbench.args=quick" : "");
                results.notes.add("whole run took " + Duration.ofNanos(System.nanoTime() - started).toSeconds()
                        + " s");
                new PerformanceReport(results, settings, machine, command, serving, apiLoad).writeInto(output);
            }
        }
        log.info("results written to {}", output.toAbsolutePath());
    }

    private static void runDeployment(Settings.Deploy deploy, Settings settings, Environment environment,
            LoadDriver driver, Results results) throws InterruptedException {
        try {
            new DeploymentRun(deploy.design(), deploy.replicas(), settings, environment, driver, results).run();
        } catch (java.io.IOException e) {
            log.error("{} with {} replica(s) failed: {}", deploy.design().label(), deploy.replicas(), e.getMessage());
            results.notes.add(environment.phase() + ", " + deploy.design().label() + " ×" + deploy.replicas()
                    + " did not complete: " + e.getMessage());
        }
    }
}
