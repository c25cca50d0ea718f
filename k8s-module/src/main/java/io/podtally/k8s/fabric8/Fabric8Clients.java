package io.podtally.k8s.fabric8;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.podtally.k8s.ClusterRegistryException;
import io.podtally.k8s.ClusterSettings;
import io.podtally.k8s.ErrorCategory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/** Builds one fabric8 client per cluster with podtally's timeouts and retry policy. */
final class Fabric8Clients {

    static final String IN_CLUSTER = "in-cluster";

    private static final Path SERVICE_ACCOUNT = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");

    private Fabric8Clients() {
    }

    /**
     * Applies the connection and request timeouts of {@code settings} to {@code config} and builds a
     * client. The client does not retry failed requests itself: the node informer relists with
     * backoff, metrics are polled again, and the pod counter has its own policy for 429 and 410.
     */
    static KubernetesClient create(Config config, ClusterSettings settings) {
        return new KubernetesClientBuilder().withConfig(configure(config, settings)).build();
    }

    /** As {@link #create(Config, ClusterSettings)}, on the runtime shared by the clients of every cluster. */
    static KubernetesClient create(Config config, ClusterSettings settings, Fabric8Runtime runtime) {
        return runtime.client(configure(config, settings));
    }

    private static Config configure(Config config, ClusterSettings settings) {
        config.setConnectionTimeout(millis(settings.connectTimeout()));
        config.setRequestTimeout(millis(settings.requestTimeout()));
        config.setRequestRetryBackoffLimit(0);
        return config;
    }

    /**
     * The configuration of the cluster podtally runs in: the API server from
     * {@code KUBERNETES_SERVICE_HOST}/{@code KUBERNETES_SERVICE_PORT}, the service account's CA and
     * its token, read again on every request so that rotated tokens are picked up.
     */
    static Config inCluster(Map<String, String> environment, Path serviceAccountDir) {
        String host = environment.get("KUBERNETES_SERVICE_HOST");
        String port = environment.get("KUBERNETES_SERVICE_PORT");
        if (host == null || host.isBlank() || port == null || port.isBlank()) {
            throw new ClusterRegistryException(
                    "in-cluster configuration requested, but KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set");
        }
        Path token = serviceAccountDir.resolve("token");
        if (!Files.isReadable(token)) {
            throw new ClusterRegistryException(
                    "in-cluster configuration requested, but the service account token " + token + " is not readable");
        }
        Config config = Config.empty();
        config.setMasterUrl("https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
        Path ca = serviceAccountDir.resolve("ca.crt");
        if (Files.isReadable(ca)) {
            config.setCaCertFile(ca.toString());
        }
        config.setOauthTokenProvider(() -> readToken(token));
        return config;
    }

    static Config inCluster() {
        return inCluster(System.getenv(), SERVICE_ACCOUNT);
    }

    /**
     * A description of a failure for logs and {@code lastError()}: type, HTTP code and message, no credentials; it may
     * name the API server and the identity, so answers without authentication carry {@link #categorize} instead.
     */
    static String describe(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        StringBuilder text = new StringBuilder(t.getClass().getSimpleName());
        if (t instanceof KubernetesClientException kce && kce.getCode() > 0) {
            text.append(" (HTTP ").append(kce.getCode()).append(')');
        }
        if (t.getMessage() != null) {
            text.append(": ").append(t.getMessage().lines().findFirst().orElse(""));
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != t && root.getMessage() != null) {
            text.append(" (").append(root.getClass().getSimpleName()).append(": ").append(root.getMessage()).append(')');
        }
        return text.toString();
    }

    /**
     * The category of a failure, for answers that must not carry its text: 401 and 403 by their codes, 408 and 504 and
     * any timeout in the cause chain as {@code timeout}, a failed connection (refused, unknown host, no route, TLS
     * handshake) as {@code unreachable}; anything else is {@code error}.
     */
    static ErrorCategory categorize(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof KubernetesClientException kce && kce.getCode() > 0) {
                return switch (kce.getCode()) {
                    case 401 -> ErrorCategory.UNAUTHORIZED;
                    case 403 -> ErrorCategory.FORBIDDEN;
                    case 408, 504 -> ErrorCategory.TIMEOUT;
                    default -> ErrorCategory.ERROR;
                };
            }
            if (t instanceof TimeoutException || t instanceof SocketTimeoutException || t instanceof HttpTimeoutException
                    || t.getClass().getSimpleName().contains("Timeout")) {
                return ErrorCategory.TIMEOUT;
            }
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException
                    || t instanceof SSLException || t instanceof ClosedChannelException) {
                return ErrorCategory.UNREACHABLE;
            }
        }
        return ErrorCategory.ERROR;
    }

    /** The API server's address without user information or query, fit for logs. */
    static String address(URL url) {
        if (url == null) {
            return "(no address)";
        }
        return url.getProtocol() + "://" + url.getHost() + (url.getPort() >= 0 ? ":" + url.getPort() : "") + url.getPath();
    }

    private static String readToken(Path token) {
        try {
            return Files.readString(token).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the service account token " + token, e);
        }
    }

    private static int millis(Duration duration) {
        return (int) Math.min(Integer.MAX_VALUE, duration.toMillis());
    }
}
