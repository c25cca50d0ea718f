package io.podtally.cache.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Redis server on a free port of 127.0.0.1, without persistence, for tests and the benchmark:
 * a container of the local image {@code local/redis:7} (testcontainers-redis) when a Docker engine
 * answers and has it, otherwise {@code redis-server} from the {@code PATH} ({@link RedisRuntime}
 * decides, and {@link #kind()} says which). Tests see no difference.
 *
 * <pre>{@code
 * RedisServer redis = RedisServer.start();
 * ... RedisConnectionSettings.standalone("127.0.0.1", redis.port()) ...
 * redis.stop();      // kill -9: clients see the connection drop
 * redis.restart();   // a new, empty server on the same port
 *
 * RedisServer later = RedisServer.notStarted();   // a free port where nothing listens yet
 * later.restart();                                // now a server answers there
 * redis.close();
 * }</pre>
 *
 * The server is killed when the JVM exits, should a test forget to stop it. See
 * {@link RedisServerExtension} for a JUnit 5 extension around it.
 */
public final class RedisServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisServer.class);

    private final int port;
    private final RedisRuntime runtime;
    private final RedisProcess process;
    private final Thread killer;

    private RedisServer(int port, RedisRuntime runtime, Path output) {
        this(port, runtime, runtime.container()
                ? new RedisContainerProcess(port, runtime.image(), output)
                : new LocalRedisProcess(port, output == null
                        ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.appendTo(output.toFile())));
    }

    private RedisServer(int port, RedisRuntime runtime, RedisProcess process) {
        this.port = port;
        this.runtime = runtime;
        this.process = process;
        this.killer = new Thread(process::close, "redis-server-killer");
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /** Starts a server on a free port and waits until it answers {@code PING}. */
    public static RedisServer start() {
        return start((Path) null);
    }

    /** Starts a server on a free port, its output appended to {@code log}, and waits until it answers {@code PING}. */
    public static RedisServer start(Path log) {
        RedisRuntime runtime = RedisRuntime.chosen();
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            RedisServer server = new RedisServer(freePort(), runtime, log);
            try {
                server.process.launch();
                // In every test class's report output (surefire does not show JUnit report entries).
                RedisServer.log.info("Redis for tests on 127.0.0.1:{}: {}", server.port, server.kind());
                return server;
            } catch (IllegalStateException e) {
                last = e;
                server.close();
            }
        }
        throw last;
    }

    /**
     * Starts a local {@code redis-server} on a free port that requires {@code password} ({@code requirepass}); always a
     * process of the {@code PATH}, whatever {@link RedisRuntime} chose for the others.
     */
    public static RedisServer startWithPassword(String password) {
        int port = freePort();
        RedisServer server = new RedisServer(port, new RedisRuntime(false, null, "a password needs a local process"),
                new LocalRedisProcess(port, ProcessBuilder.Redirect.DISCARD, password));
        try {
            server.process.launch();
            return server;
        } catch (IllegalStateException e) {
            server.close();
            throw e;
        }
    }

    /** A server on a free port that is not started: nothing answers there until {@link #restart()}. */
    public static RedisServer notStarted() {
        return new RedisServer(freePort(), RedisRuntime.chosen(), (Path) null);
    }

    /** The server's port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:port}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** What runs the server and why: a container of the local image or a local {@code redis-server} process. */
    public String kind() {
        return runtime.describe();
    }

    /** Whether the server is alive. */
    public boolean running() {
        return process.running();
    }

    /** Kills the server at once (like {@code kill -9}); all data is lost. */
    public void stop() {
        kill();
        log.info("Redis on port {} killed", port);
    }

    /** Starts a new, empty server on the same port (killing the running one) and waits until it answers {@code PING}. */
    public void restart() {
        kill();
        process.launch();
    }

    /**
     * Runs the real {@code redis-cli} against this server and returns its output.
     *
     * @param args the command, e.g. {@code "DEL", "podtally:{c1}:podcounts"}
     */
    public String cli(String... args) {
        return process.cli(List.of(args));
    }

    /** Kills the server and forgets it. */
    @Override
    public void close() {
        process.close();
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException e) {
            log.debug("JVM already shutting down");
        }
    }

    private void kill() {
        process.kill();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
