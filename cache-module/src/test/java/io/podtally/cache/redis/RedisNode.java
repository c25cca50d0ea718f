package io.podtally.cache.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code redis-server} process (a data node, a Cluster node or, with {@code --sentinel}, a Sentinel) on
 * 127.0.0.1, from a configuration file of its own, without persistence. Its output goes to {@code <name>.log} in its
 * directory. {@link #kill()} sends SIGKILL to its PID, as a crashed server would die. The process is killed when the
 * JVM exits, should a test forget to close it.
 */
public final class RedisNode implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisNode.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    private final String name;
    private final int port;
    private final Path config;
    private final Path logFile;
    private final List<String> cliOptions;
    private final boolean sentinel;
    private final Thread killer = new Thread(this::kill, "redis-process-killer");
    private volatile Process process;

    private RedisNode(String name, int port, Path config, Path logFile, List<String> cliOptions,
            boolean sentinel) {
        this.name = name;
        this.port = port;
        this.config = config;
        this.logFile = logFile;
        this.cliOptions = List.copyOf(cliOptions);
        this.sentinel = sentinel;
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /**
     * Writes {@code <name>.conf} in {@code dir} (port, bind, no persistence, then {@code config}), starts the server
     * and waits until {@code redis-cli PING} answers.
     *
     * @param port the port, e.g. {@link RedisTestSupport#closedPort()}
     * @param config further configuration lines
     * @param cliOptions what {@link #cli} passes to {@code redis-cli} before the command ({@code -a}, {@code --tls} …)
     * @param sentinel whether to start it as a Sentinel
     */
    public static RedisNode start(Path dir, String name, int port, List<String> config, List<String> cliOptions,
            boolean sentinel) {
        List<String> lines = new ArrayList<>(List.of("port " + port, "bind 127.0.0.1", "dir " + dir));
        if (!sentinel) {
            lines.addAll(List.of("save \"\"", "appendonly no"));
        }
        lines.addAll(config);
        Path file = dir.resolve(name + ".conf");
        try {
            Files.write(file, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RedisNode process = new RedisNode(name, port, file, dir.resolve(name + ".log"), cliOptions, sentinel);
        try {
            process.launch();
            return process;
        } catch (RuntimeException e) {
            process.close();
            throw e;
        }
    }

    /** The port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:port}. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    /** The server's name in its directory. */
    public String name() {
        return name;
    }

    /** The process id. */
    public long pid() {
        return process.pid();
    }

    /** Whether the process is alive. */
    public boolean running() {
        Process current = process;
        return current != null && current.isAlive();
    }

    /** The server's log so far. */
    public String logText() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code redis-cli} with this server's options and {@code args}, returns its output. */
    public String cli(String... args) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
        command.addAll(cliOptions);
        command.addAll(List.of(args));
        return run(command, Duration.ofSeconds(30));
    }

    /** Runs a command line; returns its output (stdout and stderr), fails when it exits non-zero. */
    static String run(List<String> command, Duration timeout) {
        try {
            Process cli = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output;
            try (InputStream in = cli.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
            if (!cli.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                cli.destroyForcibly();
                throw new IllegalStateException(command.get(0) + " did not end within " + timeout);
            }
            if (cli.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
    }

    /** SIGKILL, as a crash: the server's clients see their connections drop or time out. */
    public void kill() {
        Process current = process;
        if (current == null || !current.isAlive()) {
            return;
        }
        ProcessHandle.of(current.pid()).ifPresent(ProcessHandle::destroyForcibly);
        try {
            if (!current.waitFor(10, TimeUnit.SECONDS)) {
                log.warn("{} (pid {}) did not exit within 10 s of SIGKILL", name, current.pid());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException e) {
            log.debug("JVM already shutting down");
        }
    }

    private void launch() {
        List<String> command = new ArrayList<>(List.of("redis-server", config.toString()));
        if (sentinel) {
            command.add("--sentinel");
        }
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("redis-server could not be started (is it on the PATH?)", e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!pongs()) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " on port " + port + " exited with " + process.exitValue()
                        + ": " + logText());
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(name + " on port " + port + " did not answer PING within "
                        + START_TIMEOUT + ": " + logText());
            }
            try {
                TimeUnit.MILLISECONDS.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
        }
        log.info("{} (pid {}) listening on 127.0.0.1:{}", name, process.pid(), port);
    }

    private boolean pongs() {
        try {
            return cli("PING").endsWith("PONG");
        } catch (IllegalStateException e) {
            return false;
        }
    }
}
