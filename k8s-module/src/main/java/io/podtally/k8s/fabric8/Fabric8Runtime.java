package io.podtally.k8s.fabric8;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the fabric8 clients of all clusters share: one Vert.x instance (its event loops carry every
 * cluster's HTTP and websocket traffic), one pool for the clients' tasks (informer callbacks,
 * watch handling), and one JSON serialization. Without it each client builds its own, and a
 * replica serving a few dozen clusters holds several threads per cluster that do nothing most of
 * the time. Closed after the clients that use it.
 */
final class Fabric8Runtime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Fabric8Runtime.class);
    /** Vert.x's switch to the JDK's resolver, which honours the system's hosts file and search domains as fabric8 does. */
    private static final String DISABLE_DNS_RESOLVER = "vertx.disableDnsResolver";
    private static final long CLOSE_GRACE_MILLIS = 250;
    /** Event loops for every cluster's traffic: the API calls are few and small, the parsing runs on the callers' threads. */
    static final int EVENT_LOOPS = Math.max(2, Math.min(8, 2 * Runtime.getRuntime().availableProcessors()));

    private final Vertx vertx;
    private final Vertx5HttpClientFactory httpClients;
    private final ExecutorService tasks;
    private final KubernetesSerialization serialization = new KubernetesSerialization();

    Fabric8Runtime() {
        this.vertx = createVertx();
        this.httpClients = new Vertx5HttpClientFactory(vertx);
        AtomicInteger count = new AtomicInteger();
        this.tasks = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "podtally-k8s-tasks-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** A client of {@code config} on this runtime; closing the client leaves the runtime running. */
    KubernetesClient client(Config config) {
        return new KubernetesClientBuilder()
                .withConfig(config)
                .withHttpClientFactory(httpClients)
                .withTaskExecutor(tasks)
                .withKubernetesSerialization(serialization)
                .build();
    }

    /** Stops the task threads and the Vert.x event loops; the clients must be closed before. */
    @Override
    public void close() {
        try {
            // Closing a client starts the close handshakes of its watches' websockets on the event loops;
            // shutting the loops down under them makes Netty log a rejected task for every one.
            TimeUnit.MILLISECONDS.sleep(CLOSE_GRACE_MILLIS);
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("The Kubernetes clients' Vert.x runtime did not close cleanly: {}", e.toString());
        } finally {
            tasks.shutdownNow();
        }
    }

    private static Vertx createVertx() {
        VertxOptions options = new VertxOptions()
                .setUseDaemonThread(true)
                .setEventLoopPoolSize(EVENT_LOOPS)
                // a loop blocked this long is logged with the blocking stack, so the warning says what held it
                .setWarningExceptionTime(2).setWarningExceptionTimeUnit(TimeUnit.SECONDS)
                .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false));
        synchronized (Fabric8Runtime.class) {
            String before = System.getProperty(DISABLE_DNS_RESOLVER);
            System.setProperty(DISABLE_DNS_RESOLVER, "true");
            try {
                return Vertx.vertx(options);
            } finally {
                if (before == null) {
                    System.clearProperty(DISABLE_DNS_RESOLVER);
                } else {
                    System.setProperty(DISABLE_DNS_RESOLVER, before);
                }
            }
        }
    }
}
