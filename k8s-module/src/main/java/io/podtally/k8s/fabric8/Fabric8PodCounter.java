package io.podtally.k8s.fabric8;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.podtally.k8s.PodCountResult;
import io.podtally.k8s.PodCounter;
import io.podtally.k8s.PodCounterSettings;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

/**
 * Counts active pods per node with a paginated LIST of all pods in all namespaces
 * ({@code fieldSelector=status.phase!=Succeeded,status.phase!=Failed}, {@code limit},
 * {@code continue}).
 *
 * <p>Pages are requested through the fabric8 client's HTTP layer, so the client's authentication,
 * TLS and proxy settings apply, but without its automatic retries: this counter decides itself
 * what a failure means. Each page is read as a token stream that keeps only
 * {@code metadata.continue}, {@code metadata.remainingItemCount} and each item's
 * {@code spec.nodeName} and {@code status.phase}; no {@code Pod} object is built.
 *
 * <ul>
 *   <li>{@code 410 Expired} (the continue token is too old) restarts the list from the first page,
 *       with counts reset, at most {@link PodCounterSettings#maxRestarts()} times;
 *   <li>{@code 429} waits for {@code Retry-After} (capped at {@link PodCounterSettings#maxRetryAfter()},
 *       at least {@link #MIN_RETRY_AFTER}) and asks for the same page again, as long as the deadline allows;
 *   <li>any other failure, a page that takes longer than {@link PodCounterSettings#pageTimeout()},
 *       the page cap and the deadline end the list with a partial result that says how far it got;
 *   <li>the caller's {@code keepGoing}, asked before every page request after the first, ends it with a partial
 *       result that is {@link PodCountResult#stopped() stopped}.
 * </ul>
 * Pods without {@code spec.nodeName} are reported as unscheduled and counted on no node.
 */
public final class Fabric8PodCounter implements PodCounter {

    private static final Logger log = LoggerFactory.getLogger(Fabric8PodCounter.class);

    /** The field selector of the list: pods that still occupy their node. */
    public static final String ACTIVE_PODS = "status.phase!=Succeeded,status.phase!=Failed";

    /** A server-side Table of the pods, or else the plain list. */
    static final String ACCEPT_TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io, application/json";
    static final String ACCEPT_LIST = "application/json";

    private static final int MAX_MESSAGE = 300;

    /**
     * The shortest wait after a 429, whatever {@code Retry-After} or {@code maxRetryAfter} say: {@code Retry-After: 0}
     * or a date in the past would otherwise ask again at once, in a tight loop until the deadline.
     */
    static final Duration MIN_RETRY_AFTER = Duration.ofSeconds(1);

    private final HttpClient http;
    private final String podsUrl;
    private final String target;
    private final PodCounterSettings settings;
    private final boolean askForTable;
    private final PodListPageParser.Visitor visitor;
    private final LongSupplier nanoTime = System::nanoTime;

    /**
     * A counter for the cluster {@code client} talks to.
     *
     * @param client the cluster's client; it is not closed by the counter
     * @param settings page size, timeouts, caps
     */
    public Fabric8PodCounter(KubernetesClient client, PodCounterSettings settings) {
        this(client, settings, true);
    }

    /**
     * A counter that asks for the Table, or ({@code askForTable == false}) only for the plain list, whose full
     * JSON it then reads; the client-cost benchmark compares the two.
     */
    public Fabric8PodCounter(KubernetesClient client, PodCounterSettings settings, boolean askForTable) {
        this(client, settings, askForTable, PodListPageParser.Visitor.NONE);
    }

    /** A counter that tells {@code visitor} each listed pod (it asks for the plain list, whose items have keys). */
    Fabric8PodCounter(KubernetesClient client, PodCounterSettings settings, PodListPageParser.Visitor visitor) {
        this(client, settings, false, visitor);
    }

    private Fabric8PodCounter(KubernetesClient client, PodCounterSettings settings, boolean askForTable,
            PodListPageParser.Visitor visitor) {
        Objects.requireNonNull(client, "client");
        this.askForTable = askForTable;
        this.visitor = Objects.requireNonNull(visitor, "visitor");
        this.settings = validate(Objects.requireNonNull(settings, "settings"));
        this.http = client.getHttpClient().newBuilder()
                .tag(new RequestConfigBuilder(client.getConfiguration().getRequestConfig())
                        .withRequestRetryBackoffLimit(0)
                        .build())
                .build();
        String master = client.getMasterUrl().toString();
        this.podsUrl = (master.endsWith("/") ? master.substring(0, master.length() - 1) : master) + "/api/v1/pods";
        this.target = client.getConfiguration().getCurrentContext() != null
                ? "context " + client.getConfiguration().getCurrentContext().getName()
                : client.getMasterUrl().getHost();
    }

    private static PodCounterSettings validate(PodCounterSettings s) {
        if (s.pageSize() < 1 || s.maxPages() < 1 || s.maxRestarts() < 0) {
            throw new IllegalArgumentException("page size and page cap must be positive, restarts not negative");
        }
        if (!isPositive(s.pageTimeout()) || !isPositive(s.deadline()) || s.maxRetryAfter().isNegative()) {
            throw new IllegalArgumentException("page timeout and deadline must be positive, max retry-after not negative");
        }
        return s;
    }

    private static boolean isPositive(Duration d) {
        return !d.isNegative() && !d.isZero();
    }

    @Override
    public PodCountResult count(BooleanSupplier keepGoing) {
        long start = nanoTime.getAsLong();
        long deadline = start + settings.deadline().toNanos();
        int restarts = 0;
        Attempt attempt = new Attempt();
        boolean first = true;
        while (true) {
            if (!first && !keepGoing.getAsBoolean()) {
                PodCountResult result = attempt.result(false, restarts, elapsed(start), "stopped by the caller", "stopped",
                        true);
                log.info("Pod count of {} stopped by the caller after {} pages", target, result.pages());
                return result;
            }
            first = false;
            if (attempt.pages >= settings.maxPages()) {
                return partial(attempt, restarts, start, "page cap of " + settings.maxPages() + " pages reached",
                        "page-cap");
            }
            long left = deadline - nanoTime.getAsLong();
            if (left <= 0) {
                return partial(attempt, restarts, start, "deadline of " + settings.deadline() + " exceeded", "timeout");
            }
            int number = attempt.pages + 1;
            Outcome outcome = fetch(number, attempt.continueToken, Math.min(left, settings.pageTimeout().toNanos()));
            if (outcome instanceof Outcome.Listed listed) {
                attempt.add(listed.page());
                log.debug("Pod page {} of {} as {}: {} active pods, {} remaining", number, target,
                        listed.page().format(), listed.page().pods(), listed.page().remainingItemCount());
                if (attempt.continueToken == null) {
                    PodCountResult result = attempt.result(true, restarts, elapsed(start), null);
                    log.info("Counted {} active pods on {} nodes of {} ({} unscheduled) in {} pages as {}, {} ms, "
                            + "{} restarts", result.pods(), result.countsByNode().size(), target, result.unscheduled(),
                            result.pages(), listed.page().format(), result.elapsed().toMillis(), restarts);
                    return result;
                }
            } else if (outcome instanceof Outcome.Expired expired) {
                if (restarts >= settings.maxRestarts()) {
                    return partial(attempt, restarts, start, "page " + number + " expired (410 "
                            + expired.reason() + ") after " + restarts + " restarts", "gone");
                }
                restarts++;
                visitor.restarted();
                log.debug("Pod page {} of {} expired (410); restarting the list ({} of {})", number, target,
                        restarts, settings.maxRestarts());
                attempt = new Attempt();
            } else if (outcome instanceof Outcome.Throttled throttled) {
                Duration wait = atLeastMinimum(throttled.retryAfter().compareTo(settings.maxRetryAfter()) > 0
                        ? settings.maxRetryAfter() : throttled.retryAfter());
                if (nanoTime.getAsLong() + wait.toNanos() >= deadline) {
                    return partial(attempt, restarts, start, "page " + number + " throttled (429, Retry-After "
                            + throttled.retryAfter().toSeconds() + " s) beyond the deadline", "too-many-requests");
                }
                log.debug("Pod page {} of {} throttled (429); retrying in {} ms", number, target, wait.toMillis());
                try {
                    TimeUnit.NANOSECONDS.sleep(wait.toNanos());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return partial(attempt, restarts, start, "interrupted while waiting for Retry-After", "stopped");
                }
            } else if (nanoTime.getAsLong() - deadline >= 0) {
                return partial(attempt, restarts, start, "deadline of " + settings.deadline() + " exceeded during page "
                        + number, "timeout");
            } else {
                Outcome.Failed failed = (Outcome.Failed) outcome;
                return partial(attempt, restarts, start, "page " + number + " failed: " + failed.message(),
                        failed.category());
            }
        }
    }

    private PodCountResult partial(Attempt attempt, int restarts, long start, String failure, String category) {
        PodCountResult result = attempt.result(false, restarts, elapsed(start), failure, category, false);
        log.warn("Partial pod count of {}: {} pods on {} nodes in {} pages; {}", target, result.pods(),
                result.countsByNode().size(), result.pages(), failure);
        return result;
    }

    private Duration elapsed(long start) {
        return Duration.ofNanos(nanoTime.getAsLong() - start);
    }

    /** One run through the pages, from the first; a restart begins a new one. */
    private static final class Attempt {
        private final Map<String, int[]> counts = new HashMap<>();
        private int pages;
        private long pods;
        private long unscheduled;
        private String continueToken;

        void add(PodListPageParser.Page page) {
            page.countsByNode().forEach((node, n) -> counts.computeIfAbsent(node, k -> new int[1])[0] += n[0]);
            pages++;
            pods += page.pods();
            unscheduled += page.unscheduled();
            continueToken = page.continueToken();
        }

        PodCountResult result(boolean complete, int restarts, Duration elapsed, String failure) {
            return result(complete, restarts, elapsed, failure, null, false);
        }

        PodCountResult result(boolean complete, int restarts, Duration elapsed, String failure, String category,
                boolean stopped) {
            Map<String, Integer> byNode = new HashMap<>(counts.size() * 2);
            counts.forEach((node, n) -> byNode.put(node, n[0]));
            return new PodCountResult(byNode, complete, pages, pods, unscheduled, restarts, elapsed, failure, stopped,
                    category);
        }
    }

    /** What asking for one page gave. */
    private sealed interface Outcome {
        record Listed(PodListPageParser.Page page) implements Outcome {
        }

        record Expired(String reason) implements Outcome {
        }

        record Throttled(Duration retryAfter) implements Outcome {
        }

        /** A failed page; {@code category} as in {@link PodCountResult#failureCategory()}. */
        record Failed(String message, String category) implements Outcome {

            Failed(String message) {
                this(message, "error");
            }
        }
    }

    private Outcome fetch(int number, String continueToken, long timeoutNanos) {
        HttpRequest request = http.newHttpRequestBuilder()
                .uri(URI.create(pageUrl(continueToken)))
                .header("Accept", askForTable ? ACCEPT_TABLE : ACCEPT_LIST)
                .timeout(TimeUnit.NANOSECONDS.toMillis(timeoutNanos), TimeUnit.MILLISECONDS)
                .build();
        long pageDeadline = nanoTime.getAsLong() + timeoutNanos;
        PageConsumer consumer = new PageConsumer();
        CompletableFuture<HttpResponse<AsyncBody>> future;
        try {
            future = http.consumeBytes(request, consumer);
        } catch (IllegalStateException | KubernetesClientException e) {
            return new Outcome.Failed(describe(e), Fabric8Clients.categorize(e).label());
        }
        HttpResponse<AsyncBody> response;
        try {
            response = future.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return new Outcome.Failed("no answer within " + Duration.ofNanos(timeoutNanos).toMillis() + " ms",
                    "timeout");
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            return new Outcome.Failed("interrupted", "stopped");
        } catch (ExecutionException e) {
            if (isTimeout(e.getCause())) {
                return new Outcome.Failed("no answer within " + Duration.ofNanos(timeoutNanos).toMillis() + " ms",
                        "timeout");
            }
            return new Outcome.Failed(describe(e.getCause()), Fabric8Clients.categorize(e.getCause()).label());
        }
        AsyncBody body = response.body();
        if (response.code() == 200) {
            return list(body, consumer, pageDeadline, timeoutNanos);
        }
        body.consume();
        try {
            body.done().get(Math.max(1, pageDeadline - nanoTime.getAsLong()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            body.cancel();
            return new Outcome.Failed("HTTP " + response.code() + ", body not complete within "
                    + Duration.ofNanos(timeoutNanos).toMillis() + " ms", "timeout");
        } catch (InterruptedException e) {
            body.cancel();
            Thread.currentThread().interrupt();
            return new Outcome.Failed("interrupted", "stopped");
        } catch (ExecutionException | CancellationException e) {
            return new Outcome.Failed("HTTP " + response.code() + ", reading the body failed: " + describe(e));
        }
        return failure(response, consumer.errorBody.toByteArray());
    }

    private Outcome list(AsyncBody body, PageConsumer consumer, long pageDeadline, long timeoutNanos) {
        PodPageStream stream = new PodPageStream(pageDeadline, nanoTime);
        consumer.stream = stream;
        body.done().whenComplete((done, error) -> stream.end(error));
        body.consume();
        try {
            return new Outcome.Listed(PodListPageParser.parse(stream, visitor));
        } catch (JacksonException | IllegalArgumentException e) {
            body.cancel();
            if (stream.timedOut()) {
                return new Outcome.Failed("no complete answer within " + Duration.ofNanos(timeoutNanos).toMillis() + " ms",
                        "timeout");
            }
            if (Thread.currentThread().isInterrupted()) {
                return new Outcome.Failed("interrupted", "stopped");
            }
            return new Outcome.Failed("unreadable answer (HTTP 200): " + describe(e));
        } finally {
            stream.close();
        }
    }

    /** Whether the HTTP client's own request timeout, which races the page timeout above, ended the call. */
    private static boolean isTimeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
                return true;
            }
        }
        return false;
    }

    private static Outcome failure(HttpResponse<AsyncBody> response, byte[] errorBody) {
        int code = response.code();
        String status = PodApiStatus.read(errorBody, MAX_MESSAGE);
        if (code == 410) {
            int colon = status.indexOf(':');
            return new Outcome.Expired(colon > 0 ? status.substring(0, colon) : status);
        }
        if (code == 429) {
            return new Outcome.Throttled(retryAfter(response.header("Retry-After")));
        }
        return new Outcome.Failed("HTTP " + code + (status.isEmpty() ? "" : ": " + status), categoryOf(code));
    }

    /** The category of a page answered with an HTTP error other than 410 and 429. */
    static String categoryOf(int code) {
        return switch (code) {
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 408, 504 -> "timeout";
            default -> code >= 500 ? "unavailable" : "error";
        };
    }

    /**
     * Receives a page's chunks on the HTTP client's thread: those of a list page go to the stream the
     * counting thread parses, those of an error answer are kept (their start) for the message.
     */
    private static final class PageConsumer implements AsyncBody.Consumer<List<ByteBuffer>> {
        private final ByteArrayOutputStream errorBody = new ByteArrayOutputStream();
        private volatile PodPageStream stream;

        @Override
        public void consume(List<ByteBuffer> buffers, AsyncBody body) {
            PodPageStream listing = stream;
            if (listing != null) {
                listing.offer(buffers, body);
                return;
            }
            for (ByteBuffer buffer : buffers) {
                int keep = Math.min(buffer.remaining(), PodApiStatus.MAX_BODY - errorBody.size());
                byte[] bytes = new byte[keep];
                buffer.get(bytes);
                errorBody.write(bytes, 0, keep);
            }
            body.consume();
        }
    }

    private String pageUrl(String continueToken) {
        StringBuilder url = new StringBuilder(podsUrl)
                .append("?fieldSelector=").append(URLEncoder.encode(ACTIVE_PODS, StandardCharsets.UTF_8))
                .append("&limit=").append(settings.pageSize());
        if (askForTable) {
            url.append("&includeObject=None");
        }
        if (continueToken != null) {
            url.append("&continue=").append(URLEncoder.encode(continueToken, StandardCharsets.UTF_8));
        }
        return url.toString();
    }

    /** The {@code Retry-After} of a 429, never shorter than {@link #MIN_RETRY_AFTER}. */
    static Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return MIN_RETRY_AFTER;
        }
        String value = header.trim();
        try {
            return atLeastMinimum(Duration.ofSeconds(Long.parseLong(value)));
        } catch (NumberFormatException e) {
            try {
                return atLeastMinimum(Duration.between(ZonedDateTime.now(),
                        ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)));
            } catch (DateTimeParseException notADate) {
                return MIN_RETRY_AFTER;
            }
        }
    }

    private static Duration atLeastMinimum(Duration wait) {
        return wait.compareTo(MIN_RETRY_AFTER) < 0 ? MIN_RETRY_AFTER : wait;
    }

    private static String describe(Throwable t) {
        Throwable cause = t;
        while ((cause instanceof ExecutionException || cause instanceof CompletionException
                || cause instanceof UncheckedIOException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof KubernetesClientException k && k.getCode() > 0) {
            return "HTTP " + k.getCode() + ": " + truncate(k.getStatus() != null ? k.getStatus().getMessage() : k.getMessage());
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + truncate(message));
    }

    private static String truncate(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE) + "…";
    }
}
