package io.podtally.k8s.sim;

import static io.podtally.k8s.sim.SimResponses.delayed;
import static io.podtally.k8s.sim.SimResponses.json;
import static io.podtally.k8s.sim.SimResponses.notFound;
import static io.podtally.k8s.sim.SimResponses.status;

import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Answers requests the way a Kubernetes API server does, for the resources podtally uses. */
final class SimDispatcher extends Dispatcher {

    private static final Logger log = LoggerFactory.getLogger(SimDispatcher.class);

    private static final Duration STALL = Duration.ofDays(1);
    private static final String EXPIRED_MESSAGE = "The provided continue parameter is too old to display a consistent "
            + "list result. You can start a new list without the continue parameter, or use the continue token in "
            + "this response to retrieve the remainder of the results. Continuing with the provided token results in "
            + "an inconsistent list - objects that were created, modified, or deleted between the time the first chunk "
            + "was returned and now may show up in the list.";
    private static final String VERSION = "{\"major\":\"1\",\"minor\":\"31\",\"gitVersion\":\"v1.31.4\","
            + "\"gitCommit\":\"a78aa47129b8539636eb86a9d00e31b2720fe06b\",\"gitTreeState\":\"clean\","
            + "\"buildDate\":\"2024-12-10T18:37:34Z\",\"goVersion\":\"go1.22.9\",\"compiler\":\"gc\","
            + "\"platform\":\"linux/amd64\"}";
    private static final String CORE_RESOURCES = "{\"kind\":\"APIResourceList\",\"groupVersion\":\"v1\",\"resources\":["
            + "{\"name\":\"nodes\",\"singularName\":\"node\",\"namespaced\":false,\"kind\":\"Node\","
            + "\"verbs\":[\"get\",\"list\",\"watch\"],\"shortNames\":[\"no\"]},"
            + "{\"name\":\"pods\",\"singularName\":\"pod\",\"namespaced\":true,\"kind\":\"Pod\","
            + "\"verbs\":[\"get\",\"list\",\"watch\"],\"shortNames\":[\"po\"],\"categories\":[\"all\"]}]}";
    private static final String METRICS_GROUP = "{\"name\":\"metrics.k8s.io\",\"versions\":[{\"groupVersion\":"
            + "\"metrics.k8s.io/v1beta1\",\"version\":\"v1beta1\"}],\"preferredVersion\":{\"groupVersion\":"
            + "\"metrics.k8s.io/v1beta1\",\"version\":\"v1beta1\"}}";
    private static final String METRICS_RESOURCES = "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\","
            + "\"groupVersion\":\"metrics.k8s.io/v1beta1\",\"resources\":[{\"name\":\"nodes\",\"singularName\":\"\","
            + "\"namespaced\":false,\"kind\":\"NodeMetrics\",\"verbs\":[\"get\",\"list\"]},{\"name\":\"pods\","
            + "\"singularName\":\"\",\"namespaced\":true,\"kind\":\"PodMetrics\",\"verbs\":[\"get\",\"list\"]}]}";

    private final SimulatedCluster cluster;
    private final ClusterState state;
    private final RequestCounters counters;
    private final WatchHandler watches;

    SimDispatcher(SimulatedCluster cluster, ClusterState state, RequestCounters counters, WatchHandler watches) {
        this.cluster = cluster;
        this.state = state;
        this.counters = counters;
        this.watches = watches;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        cluster.forgetRecordedRequest();
        String target = request.getPath();
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        Map<String, String> query = parseQuery(q < 0 ? "" : target.substring(q + 1));
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        boolean watch = "true".equals(query.get("watch")) || "1".equals(query.get("watch"));
        boolean webSocket = request.getHeader("Upgrade") != null
                && request.getHeader("Upgrade").toLowerCase(Locale.ROOT).contains("websocket");
        String[] segments = path.split("/");
        try {
            if (cluster.unavailable()) {
                countRoute(segments, watch, query);
                return status(503, "ServiceUnavailable", "the server is currently unable to handle the request");
            }
            if (cluster.forbidden()) {
                countRoute(segments, watch, query);
                return status(403, "Forbidden", "nodes is forbidden: User \"system:serviceaccount:podtally:podtally\" "
                        + "cannot list resource \"nodes\" in API group \"\" at the cluster scope (" + cluster.url()
                        + path + ")");
            }
            if (!"GET".equals(request.getMethod())) {
                counters.hit(RequestKind.OTHER);
                return status(405, "MethodNotAllowed", "the simulated cluster only serves reads");
            }
            return route(path, segments, query, watch, webSocket, request.getHeader("Accept"));
        } catch (IllegalArgumentException e) {
            return status(400, "BadRequest", e.getMessage());
        }
    }

    private void countRoute(String[] segments, boolean watch, Map<String, String> query) {
        if (isNodes(segments)) {
            counters.hit(segments.length == 5 ? RequestKind.NODE_GETS
                    : watch ? RequestKind.NODE_WATCHES : RequestKind.NODE_LISTS);
        } else if (isPods(segments)) {
            counters.hit(watch ? RequestKind.POD_WATCHES : RequestKind.POD_LIST_PAGES);
            if (!watch && query.get("continue") == null) {
                counters.hit(RequestKind.POD_LIST_SEQUENCES);
            }
        } else if (segments.length > 2 && "metrics.k8s.io".equals(segments[2])) {
            counters.hit(RequestKind.METRICS);
        } else {
            counters.hit(RequestKind.OTHER);
        }
    }

    private static boolean isNodes(String[] s) {
        return s.length >= 4 && s.length <= 5 && "api".equals(s[1]) && "v1".equals(s[2]) && "nodes".equals(s[3]);
    }

    private static boolean isPods(String[] s) {
        return s.length == 4 && "api".equals(s[1]) && "v1".equals(s[2]) && "pods".equals(s[3])
                || s.length == 6 && "api".equals(s[1]) && "v1".equals(s[2]) && "namespaces".equals(s[3])
                && "pods".equals(s[5]);
    }

    private MockResponse route(String path, String[] segments, Map<String, String> query, boolean watch,
            boolean webSocket, String accept) {
        countRoute(segments, watch, query);
        if (isNodes(segments)) {
            if (segments.length == 5) {
                SimNode node = state.node(segments[4]);
                return node == null ? notFound("nodes \"" + segments[4] + "\" not found")
                        : json(200, NodeJson.node(node));
            }
            return watch ? watch(ClusterState.Kind.NODES, query, null, webSocket) : nodeList(query);
        }
        if (isPods(segments)) {
            String namespace = segments.length == 6 ? segments[4] : null;
            return watch ? watch(ClusterState.Kind.PODS, query, namespace, webSocket)
                    : podPage(query, namespace, accept);
        }
        if (segments.length > 2 && "metrics.k8s.io".equals(segments[2])) {
            return metrics(segments);
        }
        return switch (path) {
            case "/version" -> json(200, VERSION);
            case "/api" -> json(200, "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":"
                    + "[{\"clientCIDR\":\"0.0.0.0/0\",\"serverAddress\":\"127.0.0.1:" + cluster.port() + "\"}]}");
            case "/api/v1" -> json(200, CORE_RESOURCES);
            case "/apis" -> json(200, "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":["
                    + (cluster.metricsEnabled() ? METRICS_GROUP : "") + "]}");
            default -> notFound("the server could not find the requested resource");
        };
    }

    private MockResponse nodeList(Map<String, String> query) {
        int limit = limit(query);
        String after = null;
        int page = 1;
        if (query.get("continue") != null) {
            ContinueToken token = ContinueToken.decode(query.get("continue"));
            after = token.lastKey();
            page = token.nextPage();
        }
        ClusterState.Page<SimNode> result = state.nodePage(after, limit);
        String next = result.remaining() > 0
                ? new ContinueToken(result.resourceVersion(), result.lastKey(), page + 1, 0).encode() : null;
        return json(200, ListJson.nodeList(result.items(), result.resourceVersion(), next,
                next == null ? null : result.remaining()));
    }

    /** How a list is answered. */
    enum Representation {
        LIST, TABLE
    }

    /**
     * The representation of a list that {@code accept} asks for: the first media type of the header
     * the server can produce wins, as on a real API server. A Table request is answered with a plain
     * list when tables are off; {@code null} when nothing acceptable is asked for.
     */
    static Representation negotiate(String accept, boolean tables) {
        if (accept == null || accept.isBlank()) {
            return Representation.LIST;
        }
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            String type = parts[0].trim().toLowerCase(Locale.ROOT);
            if (!type.equals("application/json") && !type.equals("application/*") && !type.equals("*/*")) {
                continue;
            }
            Map<String, String> params = new HashMap<>();
            for (int i = 1; i < parts.length; i++) {
                int eq = parts[i].indexOf('=');
                if (eq > 0) {
                    params.put(parts[i].substring(0, eq).trim().toLowerCase(Locale.ROOT),
                            parts[i].substring(eq + 1).trim().replace("\"", ""));
                }
            }
            String as = params.get("as");
            if (as == null) {
                return Representation.LIST;
            }
            if ("Table".equals(as) && "v1".equals(params.get("v")) && "meta.k8s.io".equals(params.get("g"))) {
                return tables ? Representation.TABLE : Representation.LIST;
            }
        }
        return null;
    }

    private MockResponse podPage(Map<String, String> query, String namespace, String accept) {
        Representation representation = negotiate(accept, cluster.tablesEnabled());
        if (representation == null) {
            return status(406, "NotAcceptable", "only the following media types are accepted: application/json, "
                    + "application/json;as=Table;v=v1;g=meta.k8s.io");
        }
        TableJson.IncludeObject include = TableJson.IncludeObject.parse(query.get("includeObject"));
        if (representation == Representation.TABLE) {
            counters.hit(RequestKind.POD_TABLE_PAGES);
        }
        int limit = limit(query);
        FieldSelector selector = FieldSelector.parse(query.get("fieldSelector"));
        String after = null;
        int page = 1;
        long listVersion = 0;
        long served = 0;
        if (query.get("continue") != null) {
            ContinueToken token = ContinueToken.decode(query.get("continue"));
            after = token.lastKey();
            page = token.nextPage();
            listVersion = token.resourceVersion();
            served = token.served();
        }
        PageFault fault = cluster.takeFault(page);
        Duration delay = cluster.pageLatency();
        if (fault != null) {
            log.debug("pod list page {} answers {}", page, fault);
            switch (fault.type()) {
                case STATUS:
                    return delayed(status(fault.status(), fault.status() == 503 ? "ServiceUnavailable" : "InternalError",
                            "simulated failure of page " + page), delay);
                case EXPIRED:
                    return delayed(status(410, "Expired", EXPIRED_MESSAGE), delay);
                case TOO_MANY_REQUESTS:
                    long seconds = Math.max(1, (fault.duration().toMillis() + 999) / 1000);
                    return delayed(json(429, ListJson.status(429, "TooManyRequests",
                            "Too many requests, please try again later."))
                            .setHeader("Retry-After", Long.toString(seconds)), delay);
                case STALL:
                    return delayed(status(504, "Timeout", "stalled page " + page), STALL);
                case DELAY:
                    delay = delay.plus(fault.duration());
                    break;
                default:
                    throw new IllegalStateException("unknown fault " + fault);
            }
        }
        ClusterState.Page<SimPod> result;
        try {
            result = state.podPage(selector, namespace, after, limit, listVersion, served);
        } catch (ClusterState.ListExpiredException e) {
            return delayed(status(410, "Expired", EXPIRED_MESSAGE), delay);
        }
        String next = result.remaining() > 0
                ? new ContinueToken(after == null ? result.resourceVersion() : listVersion, result.lastKey(), page + 1,
                        served + result.items().size()).encode()
                : null;
        Long remaining = next == null ? null : result.remaining();
        byte[] body = representation == Representation.TABLE
                ? TableJson.podTable(result.items(), result.resourceVersion(), next, remaining, include,
                        cluster.clockSeconds())
                : ListJson.podList(result.items(), result.resourceVersion(), next, remaining);
        counters.podsListed(result.items().size());
        log.debug("pod list page {} as {}: {} items, {} remaining", page, representation, result.items().size(),
                result.remaining());
        return delayed(json(200, body), delay);
    }

    private MockResponse watch(ClusterState.Kind kind, Map<String, String> query, String namespace, boolean webSocket) {
        FieldSelector selector = kind == ClusterState.Kind.PODS ? FieldSelector.parse(query.get("fieldSelector"))
                : FieldSelector.everything();
        String rv = query.get("resourceVersion");
        Long since = rv == null || rv.isEmpty() ? null : Long.valueOf(rv);
        String timeoutSeconds = query.get("timeoutSeconds");
        Duration timeout = timeoutSeconds == null || timeoutSeconds.isEmpty() ? null
                : Duration.ofSeconds(Long.parseLong(timeoutSeconds));
        boolean bookmarks = "true".equals(query.get("allowWatchBookmarks"));
        return watches.watch(kind, since, selector, namespace, webSocket, timeout, bookmarks);
    }

    private MockResponse metrics(String[] segments) {
        if (!cluster.metricsEnabled()) {
            return notFound("the server could not find the requested resource");
        }
        long now = cluster.clockSeconds();
        if (segments.length == 3) {
            return json(200, "{\"kind\":\"APIGroup\",\"apiVersion\":\"v1\"," + METRICS_GROUP.substring(1));
        }
        if (segments.length == 4 && "v1beta1".equals(segments[3])) {
            return json(200, METRICS_RESOURCES);
        }
        if (segments.length >= 5 && "v1beta1".equals(segments[3]) && "nodes".equals(segments[4])) {
            List<MetricsJson.Usage> usages = cluster.usages(now);
            if (segments.length == 5) {
                return json(200, MetricsJson.nodeMetricsList(usages, now));
            }
            return usages.stream()
                    .filter(u -> u.node().equals(segments[5]))
                    .findFirst()
                    .map(u -> json(200, MetricsJson.nodeMetrics(u, now)))
                    .orElseGet(() -> notFound("nodemetrics.metrics.k8s.io \"" + segments[5] + "\" not found"));
        }
        return notFound("the server could not find the requested resource");
    }

    private static int limit(Map<String, String> query) {
        String limit = query.get("limit");
        if (limit == null || limit.isEmpty()) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(limit));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid limit: " + limit, e);
        }
    }

    private static Map<String, String> parseQuery(String query) {
        Map<String, String> params = new HashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.put(key, value);
        }
        return params;
    }
}
