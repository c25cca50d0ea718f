package io.podtally.cache.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} that speaks TLS only ({@code port 0}, {@code tls-port}) on a free port of 127.0.0.1, with a
 * certificate authority and a server certificate for {@code 127.0.0.1} and {@code localhost} made here by the
 * {@code openssl} command line; clients need no certificate. {@link #otherCa()} is a second authority that signed
 * nothing, for clients that must not trust the server.
 */
public final class RedisTlsServer implements AutoCloseable {

    private static final Duration OPENSSL = Duration.ofSeconds(60);

    private final Path dir;
    private final RedisNode server;

    private RedisTlsServer(Path dir, RedisNode server) {
        this.dir = dir;
        this.server = server;
    }

    /** Makes the certificates and starts the server. */
    public static RedisTlsServer start() {
        Path dir;
        try {
            dir = Files.createTempDirectory("podtally-tls");
            Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        authority(dir, "ca");
        authority(dir, "other-ca");
        openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
                "-subj", "/CN=localhost");
        openssl(dir, "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.crt", "-days", "2", "-extfile", "server.ext");
        int port = RedisTestSupport.closedPort();
        RedisNode server = RedisNode.start(dir, "tls", port, List.of(
                "port 0",
                "tls-port " + port,
                "tls-cert-file " + dir.resolve("server.crt"),
                "tls-key-file " + dir.resolve("server.key"),
                "tls-ca-cert-file " + dir.resolve("ca.crt"),
                "tls-auth-clients no"), List.of("--tls", "--cacert", dir.resolve("ca.crt").toString()), false);
        return new RedisTlsServer(dir, server);
    }

    private static void authority(Path dir, String name) {
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".crt",
                "-days", "2", "-subj", "/CN=podtally test " + name);
    }

    private static void openssl(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("openssl.log").toFile())).start();
            if (!process.waitFor(OPENSSL.toMillis(), TimeUnit.MILLISECONDS)
                    || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("openssl " + args[0] + " failed: "
                        + Files.readString(dir.resolve("openssl.log")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("openssl could not be run (is it on the PATH?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running openssl", e);
        }
    }

    /** The TLS port on 127.0.0.1. */
    public int port() {
        return server.port();
    }

    /** The PEM certificate of the authority that signed the server's certificate. */
    public Path ca() {
        return dir.resolve("ca.crt");
    }

    /** The PEM certificate of an authority that signed nothing here. */
    public Path otherCa() {
        return dir.resolve("other-ca.crt");
    }

    /** Runs {@code redis-cli --tls} against the server. */
    public String cli(String... args) {
        return server.cli(args);
    }

    @Override
    public void close() {
        server.close();
        try (var files = Files.walk(dir)) {
            files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
