package io.podtally.app.deploy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs Debian's {@code docker-compose} (Compose v1.29) in the repository root. */
final class ComposeCli {

    private static final String MISSING = "docker-compose must be on the PATH to validate docker-compose.yml"
            + " (Debian: apt-get install docker-compose; .ci/run installs it)";
    private static final List<String> INHERITED_SETTINGS = List.of("REDIS_PASSWORD", "REDIS_HOST_PORT", "K3S_API_PORT");

    private final Path projectDir;

    ComposeCli(Path projectDir) {
        this.projectDir = projectDir;
    }

    /**
     * Runs {@code docker-compose} with the given arguments; the caller's own Compose, Docker and
     * podtally variables are removed so that the file's defaults apply, then {@code environment} is added.
     */
    Processes.Result run(Map<String, String> environment, String... arguments) {
        return run(Duration.ofSeconds(60), environment, arguments);
    }

    /** Like {@link #run(Map, String...)}, within {@code timeout}. */
    Processes.Result run(Duration timeout, Map<String, String> environment, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add("docker-compose");
        command.addAll(List.of(arguments));
        return Processes.run(command, projectDir, env -> {
            env.keySet().removeIf(name -> name.startsWith("COMPOSE_") || name.startsWith("PODTALLY_")
                    || name.startsWith("DOCKER_") || INHERITED_SETTINGS.contains(name));
            env.putAll(environment);
        }, MISSING, timeout);
    }
}
