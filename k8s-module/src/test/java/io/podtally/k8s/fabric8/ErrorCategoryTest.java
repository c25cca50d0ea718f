package io.podtally.k8s.fabric8;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.podtally.k8s.ErrorCategory;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("Failures talking to an API server, by category")
class ErrorCategoryTest {

    private static final String URL = "https://api.prod.example:6443/api/v1/nodes";

    private static KubernetesClientException http(int code) {
        return new KubernetesClientException("Failure executing: GET at: " + URL + ". Message: nope.", code, null);
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of("401", http(401), ErrorCategory.UNAUTHORIZED),
                Arguments.of("403", http(403), ErrorCategory.FORBIDDEN),
                Arguments.of("403 wrapped", new CompletionException(http(403)), ErrorCategory.FORBIDDEN),
                Arguments.of("504", http(504), ErrorCategory.TIMEOUT),
                Arguments.of("503", http(503), ErrorCategory.ERROR),
                Arguments.of("connection refused", new KubernetesClientException("Operation: [list]  for kind: [Node]",
                        new IOException(URL, new ConnectException("Connection refused"))), ErrorCategory.UNREACHABLE),
                Arguments.of("unknown host", new UnknownHostException("api.prod.example"), ErrorCategory.UNREACHABLE),
                Arguments.of("TLS handshake", new SSLHandshakeException("PKIX path building failed"),
                        ErrorCategory.UNREACHABLE),
                Arguments.of("read timeout", new KubernetesClientException("list",
                        new SocketTimeoutException("timed out")), ErrorCategory.TIMEOUT),
                Arguments.of("future timeout", new TimeoutException(), ErrorCategory.TIMEOUT),
                Arguments.of("anything else", new IllegalStateException("boom"), ErrorCategory.ERROR));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    @DisplayName("a failure is classified from its HTTP code or its cause chain")
    void categorized(String name, Throwable failure, ErrorCategory expected) {
        assertThat(Fabric8Clients.categorize(failure)).isEqualTo(expected);
        assertThat(expected.label()).doesNotContain(URL).matches("[a-z]+");
    }
}
