package io.podtally.app.deploy;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Runs a command to completion within a deadline and captures its output. */
final class Processes {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Processes() {
    }

    record Result(int exitCode, String stdout, String stderr) {
    }

    /**
     * Runs {@code command} in {@code directory}; {@code environment} adjusts the inherited
     * environment. A command that cannot be started fails the test with {@code missingHint}.
     */
    static Result run(List<String> command, Path directory, Consumer<Map<String, String>> environment, String missingHint) {
        return run(command, directory, environment, missingHint, TIMEOUT);
    }

    /** Like {@link #run(List, Path, Consumer, String)}, within {@code timeout} instead of 60 s. */
    static Result run(List<String> command, Path directory, Consumer<Map<String, String>> environment,
            String missingHint, Duration timeout) {
        try {
            Path stdout = Files.createTempFile("podtally-process", ".out");
            Path stderr = Files.createTempFile("podtally-process", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(command)
                        .directory(directory.toFile())
                        .redirectOutput(stdout.toFile())
                        .redirectError(stderr.toFile());
                environment.accept(builder.environment());
                Process process = start(builder, missingHint);
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    fail("%s did not finish within %s", command, timeout);
                }
                return new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                        Files.readString(stderr, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(stdout);
                Files.deleteIfExists(stderr);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    private static Process start(ProcessBuilder builder, String missingHint) {
        try {
            return builder.start();
        } catch (IOException e) {
            throw new AssertionError("cannot start " + builder.command() + ": " + missingHint, e);
        }
    }
}
