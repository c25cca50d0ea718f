package io.podtally.bench;

import java.nio.file.Path;
import java.util.Collection;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.podtally.bench.jmh.PodCountStoreReadBenchmark;

/** Runs the JMH benchmarks in a forked JVM and keeps their scores. */
final class Microbenchmarks {

    private static final Logger log = LoggerFactory.getLogger(Microbenchmarks.class);

    private Microbenchmarks() {
    }

    static void run(Settings settings, int redisPort, Path workDir, Results results) throws RunnerException {
        Options options = new OptionsBuilder()
                .include(PodCountStoreReadBenchmark.class.getName())
                .forks(1)
                .warmupIterations(settings.isQuick() ? 1 : 3)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(settings.isQuick() ? 2 : 5)
                .measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend("-Xmx512m", "-D" + PodCountStoreReadBenchmark.REDIS_PORT_PROPERTY + "=" + redisPort)
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(true)
                .output(workDir.resolve("jmh.log").toString())
                .build();
        Collection<RunResult> runs = new Runner(options).run();
        for (RunResult run : runs) {
            BenchmarkParams params = run.getParams();
            Result<?> primary = run.getPrimaryResult();
            Result<?> alloc = run.getSecondaryResults().get("gc.alloc.rate.norm");
            String name = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.', params.getBenchmark()
                    .lastIndexOf('.') - 1) + 1);
            String described = String.join(", ", params.getParamsKeys().stream()
                    .map(k -> k + "=" + params.getParam(k)).toList());
            results.microbenchmarks.add(new Results.Microbenchmark(name, described, primary.getScore(),
                    primary.getScoreError(), primary.getScoreUnit(), alloc == null ? Double.NaN : alloc.getScore()));
            log.info("{} {}: {} {}", name, described, primary.getScore(), primary.getScoreUnit());
        }
    }
}
