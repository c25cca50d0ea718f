package io.podtally.cache.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code redis-server} and {@code redis-cli} from the {@code PATH}, without persistence, with or without a password. */
final class LocalRedisProcess implements RedisProcess {

    private static final Logger log = LoggerFactory.getLogger(LocalRedisProcess.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final int port;
    private final ProcessBuilder.Redirect output;
    private final String password;
    private volatile Process process;

    LocalRedisProcess(int port, ProcessBuilder.Redirect output) {
        this(port, output, null);
    }

    /** A server that requires {@code password} ({@code requirepass}); {@code null} for none. */
    LocalRedisProcess(int port, ProcessBuilder.Redirect output, String password) {
        this.port = port;
        this.output = output;
        this.password = password;
    }

    @Override
    public void launch() {
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
        while (!pings(port)) {
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

    @Override
    public void kill() {
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

    @Override
    public boolean running() {
        Process current = process;
        return current != null && current.isAlive();
    }

    @Override
    public String cli(List<String> args) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p",
                Integer.toString(port)));
        if (password != null) {
            command.addAll(List.of("--no-auth-warning", "-a", password));
        }
        command.addAll(args);
        try {
            Process cli = new ProcessBuilder(command).redirectErrorStream(true).start();
            String text;
            try (InputStream in = cli.getInputStream()) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
            if (!cli.waitFor(30, TimeUnit.SECONDS)) {
                cli.destroyForcibly();
                throw new IllegalStateException("redis-cli " + args.get(0) + " did not end within 30 s");
            }
            if (cli.exitValue() != 0) {
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

    /** Whether a Redis server on 127.0.0.1:{@code port} answers {@code PING}, or refuses it for want of a password. */
    static boolean pings(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] reply = new byte[5];
            int read = socket.getInputStream().readNBytes(reply, 0, 5);
            String text = new String(reply, 0, Math.max(read, 0), StandardCharsets.US_ASCII);
            return read == 5 && ("+PONG".equals(text) || "-NOAU".equals(text));
        } catch (IOException e) {
            return false;
        }
    }
}
