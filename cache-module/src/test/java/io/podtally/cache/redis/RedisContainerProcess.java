package io.podtally.cache.redis;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.redis.testcontainers.RedisContainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.utility.DockerImageName;

/**
 * Redis in a container of a local image, through testcontainers-redis. The container port is bound
 * to a fixed port of 127.0.0.1; a kill is {@code docker kill} (SIGKILL) and a relaunch starts the
 * same container again, an empty server on the same port, as fast as the engine allows.
 */
final class RedisContainerProcess implements RedisProcess {

    private static final Logger log = LoggerFactory.getLogger(RedisContainerProcess.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final int port;
    private final DockerImageName image;
    private final Path output;
    private volatile RedisContainer container;

    /** {@code output}: where the container's log is appended, or {@code null} to drop it. */
    RedisContainerProcess(int port, String image, Path output) {
        this.port = port;
        this.image = DockerImageName.parse(image).asCompatibleSubstituteFor("redis");
        this.output = output;
    }

    @Override
    public void launch() {
        RedisContainer current = container;
        if (current == null) {
            create();
        } else {
            current.getDockerClient().startContainerCmd(current.getContainerId()).exec();
        }
        awaitPing();
        log.info("Redis container {} of {} listening on 127.0.0.1:{}", container.getContainerId(), image, port);
    }

    private void create() {
        RedisContainer next = new RedisContainer(image)
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withPortBindings(new PortBinding(
                        Ports.Binding.bindIpAndPort("127.0.0.1", port), ExposedPort.tcp(RedisContainer.REDIS_PORT))))
                .withStartupTimeout(START_TIMEOUT);
        if (output != null) {
            next.withLogConsumer(this::append);
        }
        try {
            next.start();
        } catch (RuntimeException e) {
            next.stop();
            throw new IllegalStateException("Redis container of " + image + " on port " + port + " did not start", e);
        }
        container = next;
    }

    /** The engine's proxy accepts connections before Redis does: wait until Redis itself answers on the port. */
    private void awaitPing() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!LocalRedisProcess.pings(port)) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("Redis container on port " + port + " did not answer PING within "
                        + START_TIMEOUT);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the Redis container", e);
            }
        }
    }

    @Override
    public void kill() {
        RedisContainer current = container;
        if (current != null && current.isRunning()) {
            current.getDockerClient().killContainerCmd(current.getContainerId()).exec();
            current.getDockerClient().waitContainerCmd(current.getContainerId()).start()
                    .awaitStatusCode(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        RedisContainer current = container;
        container = null;
        if (current != null) {
            current.stop();
        }
    }

    @Override
    public boolean running() {
        RedisContainer current = container;
        return current != null && current.isRunning();
    }

    @Override
    public String cli(List<String> args) {
        RedisContainer current = container;
        if (current == null || !current.isRunning()) {
            throw new IllegalStateException("redis-cli " + args.get(0) + " failed: the Redis container on port "
                    + port + " is not running");
        }
        String[] command = new String[args.size() + 1];
        command[0] = "redis-cli";
        for (int i = 0; i < args.size(); i++) {
            command[i + 1] = args.get(i);
        }
        try {
            Container.ExecResult result = current.execInContainer(command);
            String text = (result.getStdout() + result.getStderr()).trim();
            if (result.getExitCode() != 0) {
                throw new IllegalStateException("redis-cli " + args.get(0) + " failed: " + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running redis-cli", e);
        }
    }

    private void append(OutputFrame frame) {
        try {
            Files.write(output, frame.getBytes() == null ? new byte[0] : frame.getBytes(),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            log.warn("cannot append the Redis container's log to {}: {}", output, e.toString());
        }
    }
}
