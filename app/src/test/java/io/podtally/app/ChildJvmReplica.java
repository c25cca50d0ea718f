package io.podtally.app;

import io.podtally.cache.redis.RedisTestSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One podtally replica in a JVM of its own (the test class path, {@link PodtallyApplication} as main class), for
 * tests that kill a replica as an operating system would: {@link #kill()} is a SIGKILL, no shutdown hook runs.
 */
final class ChildJvmReplica implements AutoCloseable {

    private final Process process;
    private final ApiClient api;
    private final Path log;

    private ChildJvmReplica(Process process, int port, Path log) {
        this.process = process;
        this.api = new ApiClient(port);
        this.log = log;
    }

    /** Starts the replica with {@code properties} on a free port; its output goes to {@code target/<name>.log}. */
    static ChildJvmReplica start(String name, Map<String, String> properties) {
        int port = RedisTestSupport.closedPort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx384m");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(PodtallyApplication.class.getName());
        command.add("--server.port=" + port);
        properties.forEach((key, value) -> command.add("--" + key + "=" + value));
        Path log = Path.of("target", name + ".log");
        try {
            Files.createDirectories(log.getParent());
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            return new ChildJvmReplica(process, port, log);
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + name + " failed", e);
        }
    }

    ApiClient api() {
        return api;
    }

    /** Whether the replica answers its readiness probe. */
    boolean ready() {
        try {
            return api.get("/actuator/health/readiness").statusCode() == 200;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Where its output goes. */
    Path log() {
        return log;
    }

    /** SIGKILL: the JVM ends at once, without releasing its leases or saying goodbye to Redis. */
    void kill() {
        try {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
