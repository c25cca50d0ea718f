package io.podtally.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@code redis-server} of its own on a free port of 127.0.0.1, without persistence. */
final class RedisProcess implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisProcess.class);

    private final Process process;
    private final int port;

    private RedisProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static RedisProcess start(Path workDir) throws IOException, InterruptedException {
        int port = FreePorts.next();
        Process process = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", workDir.toString())
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve("redis.log").toFile())
                .start();
        RedisProcess redis = new RedisProcess(process, port);
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!redis.pings()) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                redis.close();
                throw new IOException("redis-server did not answer PING on port " + port);
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        log.info("redis-server {} on 127.0.0.1:{}", process.pid(), port);
        return redis;
    }

    int port() {
        return port;
    }

    /** Deletes every key, so that a deployment does not start from the counts of the one before. */
    void flushAll() throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write("FLUSHALL\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(socket.getInputStream().readNBytes(5), StandardCharsets.US_ASCII);
            if (!answer.equals("+OK\r\n")) {
                throw new IOException("FLUSHALL answered " + answer.strip());
            }
        }
    }

    private boolean pings() {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] answer = in.readNBytes(7);
            return "+PONG\r\n".equals(new String(answer, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
