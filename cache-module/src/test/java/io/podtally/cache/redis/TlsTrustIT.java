package io.podtally.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.podtally.cache.CountingSource;
import io.podtally.cache.PodCountSettings;
import io.podtally.cache.RefreshOutcome;
import io.podtally.cache.RefreshingPodCountCache;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@DisplayName("Redis over TLS with the trust material of the settings")
@ExtendWith(OutputCaptureExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsTrustIT {

    private static final Map<String, Integer> COUNTS = Map.of("node-a", 2, "node-b", 5);

    private static RedisTlsServer tls;

    @BeforeAll
    static void startRedis() {
        tls = RedisTlsServer.start();
    }

    @AfterAll
    static void stopRedis() {
        if (tls != null) {
            tls.close();
        }
    }

    private static TrustManagerFactory trusting(Path ca) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(ca)) {
            store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        return trust;
    }

    private static RedisConnectionSettings settings(Path ca) throws IOException, GeneralSecurityException {
        return RedisTestSupport.settings(tls.port()).withTimeout(Duration.ofSeconds(1)).withTls(trusting(ca), null);
    }

    private static RefreshingPodCountCache cache(RedisBackend backend, CountingSource source) {
        return new RefreshingPodCountCache(source, backend.store(), backend.recentClusters(), backend.lock(),
                backend.events(), PodCountSettings.defaults(), new SimpleMeterRegistry(), Clock.systemUTC());
    }

    @Test
    @DisplayName("trusting the server's CA, Lettuce (store) and Redisson (lock) both connect: a refresh completes")
    void trustedCa() throws Exception {
        CountingSource source = new CountingSource(COUNTS);
        try (RedisBackend backend = RedisBackend.start(settings(tls.ca()), PodCountSettings.defaults(),
                Clock.systemUTC(), new SimpleMeterRegistry());
                RefreshingPodCountCache cache = cache(backend, source)) {
            assertThat(backend.problem()).isNull();
            assertThat(cache.refresh("tls").orTimeout(10, TimeUnit.SECONDS).join()).isEqualTo(RefreshOutcome.COMPLETE);
            assertThat(cache.read("tls").counts()).isEqualTo(COUNTS);
            assertThat(tls.cli("EXISTS", "podtally:{tls}:podcounts")).isEqualTo("1");
        }
    }

    @Test
    @DisplayName("trusting another CA: health's reason and the log name the failed TLS handshake, and nothing hangs")
    void wrongCa(CapturedOutput output) throws Exception {
        CountingSource source = new CountingSource(COUNTS);
        try (RedisBackend backend = RedisBackend.start(settings(tls.otherCa()), PodCountSettings.defaults(),
                Clock.systemUTC(), new SimpleMeterRegistry());
                RefreshingPodCountCache cache = cache(backend, source)) {
            long asked = System.nanoTime();
            String problem = backend.problem();
            Duration took = Duration.ofNanos(System.nanoTime() - asked);

            assertThat(problem).startsWith("TLS handshake with Redis failed").contains("certification path");
            assertThat(took).isLessThan(Duration.ofSeconds(3));
            assertThat(output.getOut()).contains("does not answer yet (TLS handshake with Redis failed");
            assertThat(cache.refresh("tls").orTimeout(10, TimeUnit.SECONDS).join())
                    .isEqualTo(RefreshOutcome.SKIPPED_UNAVAILABLE);
            assertThat(source.calls()).isZero();
        }
    }
}
