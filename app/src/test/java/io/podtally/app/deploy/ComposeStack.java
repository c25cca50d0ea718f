package io.podtally.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * docker-compose.yml with the override deploy/compose/local-images.yml, run under a project name of
 * its own on free host ports, and the docker CLI on its containers.
 */
final class ComposeStack {

    static final String ADMIN_TOKEN = "containers-it-admin";
    static final String REDIS_PASSWORD = "containers-it-redis";

    private static final String DOCKER_MISSING = "the docker CLI must be on the PATH (Debian: apt-get install docker.io)";

    private final Path root;
    private final ComposeCli compose;
    private final String project = "podtally-it-" + UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final int port = freePort();

    ComposeStack(Path root) {
        this.root = root;
        this.compose = new ComposeCli(root);
        environment.put("COMPOSE_PROJECT_NAME", project);
        environment.put("PODTALLY_PORT", Integer.toString(port));
        environment.put("REDIS_HOST_PORT", Integer.toString(freePort()));
        environment.put("PODTALLY_IMAGE", "podtally:containers-it");
        environment.put("PODTALLY_ADMIN_TOKEN", ADMIN_TOKEN);
        environment.put("REDIS_PASSWORD", REDIS_PASSWORD);
        // One demo cluster keeps three replicas on two cores within the time limits.
        environment.put("PODTALLY_DEMO_PRESETS", "incident");
        // The checks count the LISTs of the paginated refresh in the replicas' metrics.
        environment.put("PODTALLY_PODCOUNTS_MODE", "paginated");
        String dockerHost = System.getenv("DOCKER_HOST");
        if (dockerHost != null) {
            environment.put("DOCKER_HOST", dockerHost);
        }
    }

    String project() {
        return project;
    }

    /** The host port nginx publishes. */
    int port() {
        return port;
    }

    /** Runs docker-compose with both files and asserts that it succeeded; returns its output. */
    String compose(Duration timeout, String... arguments) {
        List<String> all = new ArrayList<>(List.of("-f", "docker-compose.yml", "-f", "deploy/compose/local-images.yml"));
        all.addAll(List.of(arguments));
        Processes.Result result = compose.run(timeout, environment, all.toArray(String[]::new));
        assertThat(result.exitCode()).as("docker-compose %s\n%s", String.join(" ", arguments), result.stderr()).isZero();
        return result.stdout();
    }

    /** Runs docker with {@code arguments} within a minute. */
    Processes.Result docker(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add("docker");
        command.addAll(Arrays.asList(arguments));
        return Processes.run(command, root, env -> { }, DOCKER_MISSING);
    }

    /** Runs docker with {@code arguments}, asserts that it succeeded and returns its trimmed output. */
    String dockerOk(String... arguments) {
        Processes.Result result = docker(arguments);
        assertThat(result.exitCode()).as("docker %s\n%s", String.join(" ", arguments), result.stderr()).isZero();
        return result.stdout().trim();
    }

    /** The id of a service's container. */
    String container(String service) {
        String id = compose(Duration.ofSeconds(60), "ps", "-q", service).trim();
        assertThat(id).as("container of %s", service).isNotEmpty();
        return id;
    }

    /** A service container's address on the project's network. */
    String address(String service) {
        return dockerOk("inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", container(service));
    }

    /** Runs a command in a service's container and returns the result. */
    Processes.Result exec(String service, String... command) {
        List<String> all = new ArrayList<>(List.of("exec", container(service)));
        all.addAll(List.of(command));
        return docker(all.toArray(String[]::new));
    }

    /** The ids of every container and volume labelled with the project's name, whatever their state. */
    List<String> leftovers() {
        String label = "label=com.docker.compose.project=" + project;
        List<String> ids = new ArrayList<>();
        ids.addAll(dockerOk("ps", "-a", "-q", "--filter", label).lines().filter(line -> !line.isBlank()).toList());
        ids.addAll(dockerOk("volume", "ls", "-q", "--filter", label).lines().filter(line -> !line.isBlank()).toList());
        return ids;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }
}
