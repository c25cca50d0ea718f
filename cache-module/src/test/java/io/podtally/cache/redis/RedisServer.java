package io.podtally.cache.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real {@code redis-server} (from the {@code PATH}) on a free port of 127.0.0.1, without
 * persistence, for tests and the benchmark. Needs nothing but the JDK and SLF4J.
 *
 * <pre>{@code
 * RedisServer redis = RedisServer.start();
 * ... RedisConnectionSettings.standalone("127.0.0.1", redis.port()) ...
 * redis.stop();      // kill -9: clients see the connection drop
 * redis.restart();   // a new, empty server on the same port
 * redis.close();
 * }</pre>
 *
 * The process is killed when the JVM exits, should a test forget to stop it. See
 * {@link RedisServerExtension} for a JUnit 5 extension around it.
 */
public final class RedisServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisServer.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final int port;
    private final ProcessBuilder.Redirect output;
    private final String password;
    private volatile Process process;
    private final Thread killer = new Thread(this::kill, "redis-server-killer");

    private RedisServer(int port, ProcessBuilder.Redirect output, String password) {
        this.port = port;
        this.output = output;
        this.password = password;
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /** Starts a server on a free port and waits until it answers {@code PING}. */
    public static RedisServer start() {
        return start(ProcessBuilder.Redirect.DISCARD);
    }

    /** Starts a server on a free port, its output appended to {@code log}, and waits until it answers {@code PING}. */
    public static RedisServer start(Path log) {
        return start(ProcessBuilder.Redirect.appendTo(log.toFile()));
    }

    /** Starts a server on a free port that requires {@code password} ({@code requirepass}). */
    public static RedisServer startWithPassword(String password) {
        return start(ProcessBuilder.Redirect.DISCARD, password);
    }

    private static RedisServer start(ProcessBuilder.Redirect output) {
        return start(output, null);
    }

    private static RedisServer start(ProcessBuilder.Redirect output, String password) {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            RedisServer server = new RedisServer(freePort(), output, password);
            try {
                server.launch();
                return server;
            } catch (IllegalStateException e) {
                last = e;
                server.close();
            }
        }
        throw last;
    }

    /** The server's port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:port}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Whether the server process is alive. */
    public boolean running() {
        Process current = process;
        return current != null && current.isAlive();
    }

    /** Kills the server at once (like {@code kill -9}); all data is lost. */
    public void stop() {
        kill();
        log.info("redis-server on port {} killed", port);
    }

    /** Starts a new, empty server on the same port and waits until it answers {@code PING}. */
    public void restart() {
        kill();
        launch();
    }

    /**
     * Runs the real {@code redis-cli} against this server and returns its output.
     *
     * @param args the command, e.g. {@code "DEL", "podtally:{c1}:podcounts"}
     */
    public String cli(String... args) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p",
                Integer.toString(port)));
        if (password != null) {
            command.addAll(List.of("--no-auth-warning", "-a", password));
        }
        command.addAll(List.of(args));
        try {
            Process cli = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output;
            try (InputStream in = cli.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
            if (!cli.waitFor(30, TimeUnit.SECONDS)) {
                cli.destroyForcibly();
                throw new IllegalStateException("redis-cli " + args[0] + " did not end within 30 s");
            }
            if (cli.exitValue() != 0) {
                throw new IllegalStateException("redis-cli " + args[0] + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running redis-cli", e);
        }
    }

    /** Kills the server and forgets it. */
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
        try {
            List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"));
            if (password != null) {
                command.addAll(List.of("--requirepass", password));
            }
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("redis-server could not be started (is it on the PATH?)", e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!pings()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server on port " + port + " exited with " + process.exitValue());
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("redis-server on port " + port + " did not answer PING within "
                        + START_TIMEOUT);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for redis-server", e);
            }
        }
        log.info("redis-server listening on 127.0.0.1:{}", port);
    }

    private void kill() {
        Process current = process;
        if (current == null) {
            return;
        }
        current.destroyForcibly();
        try {
            if (!current.waitFor(10, TimeUnit.SECONDS)) {
                log.warn("redis-server on port {} did not exit within 10 s of SIGKILL", port);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean pings() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            if (password != null) {
                byte[] secret = password.getBytes(StandardCharsets.UTF_8);
                out.write(("*2\r\n$4\r\nAUTH\r\n$" + secret.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(secret);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                byte[] ok = new byte[5];
                if (in.readNBytes(ok, 0, 5) != 5 || !"+OK\r\n".equals(new String(ok, StandardCharsets.US_ASCII))) {
                    return false;
                }
            }
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] reply = new byte[5];
            int read = in.readNBytes(reply, 0, 5);
            return read == 5 && "+PONG".equals(new String(reply, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return false;
        }
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
