package io.podtally.app.deploy;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs Debian's {@code docker-compose} (Compose v1.29) in the repository root. */
final class ComposeCli {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final List<String> INHERITED_SETTINGS = List.of(
            "REDIS_PASSWORD", "REDIS_HOST_PORT", "K3S_API_PORT");

    private final Path projectDir;

    ComposeCli(Path projectDir) {
        this.projectDir = projectDir;
    }

    record Result(int exitCode, String stdout, String stderr) {
    }

    /**
     * Runs {@code docker-compose} with the given arguments; the caller's own Compose and podtally
     * variables are removed so that the file's defaults apply, then {@code environment} is added.
     */
    Result run(Map<String, String> environment, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add("docker-compose");
        command.addAll(List.of(arguments));
        try {
            Path stdout = Files.createTempFile("docker-compose", ".out");
            Path stderr = Files.createTempFile("docker-compose", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(command)
                        .directory(projectDir.toFile())
                        .redirectOutput(stdout.toFile())
                        .redirectError(stderr.toFile());
                Map<String, String> env = builder.environment();
                env.keySet().removeIf(name -> name.startsWith("COMPOSE_") || name.startsWith("PODTALLY_")
                        || name.startsWith("DOCKER_") || INHERITED_SETTINGS.contains(name));
                env.putAll(environment);
                Process process = start(builder, command);
                if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    fail("%s did not finish within %s", command, TIMEOUT);
                }
                return new Result(process.exitValue(),
                        Files.readString(stdout, StandardCharsets.UTF_8), Files.readString(stderr, StandardCharsets.UTF_8));
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

    private static Process start(ProcessBuilder builder, List<String> command) {
        try {
            return builder.start();
        } catch (IOException e) {
            throw new AssertionError("cannot start " + command + ": docker-compose must be on the PATH to validate"
                    + " docker-compose.yml (Debian: apt-get install docker-compose; .ci/run installs it)", e);
        }
    }
}
