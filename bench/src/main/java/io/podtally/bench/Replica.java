package io.podtally.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.podtally.bench.replica.ReplicaMain;

/** One podtally replica in a JVM of its own, on a free port of 127.0.0.1. */
final class Replica implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Replica.class);
    private static final String MODE = "podtally.podcounts.mode";

    private final String name;
    private final Process process;
    private final int port;

    private Replica(String name, Process process, int port) {
        this.name = name;
        this.process = process;
        this.port = port;
    }

    /**
     * Starts a replica with the benchmark's own class path; in paginated mode unless {@code properties} set
     * {@code podtally.podcounts.mode}, as the benchmark's comparisons measure the paginated refresh.
     *
     * @param properties Spring properties, {@code key=value}
     */
    static Replica start(String name, Design design, List<String> properties, String heap, Path logFile) throws IOException {
        int port = FreePorts.next();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xms" + heap);
        command.add("-Xmx" + heap);
        if (design == Design.SEED_ORIGINAL) {
            command.add("-D" + ReplicaMain.DESIGN_PROPERTY + "=" + ReplicaMain.SEED_ORIGINAL);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ReplicaMain.class.getName());
        command.add("--server.port=" + port);
        command.add("--server.address=127.0.0.1");
        if (properties.stream().noneMatch(p -> p.startsWith(MODE + "="))) {
            command.add("--" + MODE + "=paginated");
        }
        properties.forEach(p -> command.add("--" + p));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile())
                .start();
        log.info("replica {} ({}) pid {} on port {}", name, design.label(), process.pid(), port);
        return new Replica(name, process, port);
    }

    String name() {
        return name;
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** CPU time the replica's JVM has used so far (user and system). */
    Duration cpuTime() {
        return process.info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /** Asks the replica to stop (SIGTERM), without waiting. */
    void stop() {
        process.destroy();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            log.warn("replica {} did not stop within 20 s; killing it", name);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
