package io.podtally.app;

import io.podtally.cache.redis.RedisServer;
import io.podtally.k8s.sim.SimulatedCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import tools.jackson.databind.JsonNode;
import org.springframework.context.ConfigurableApplicationContext;

/** One podtally instance in its own application context, on a random port, with its own Redis clients. */
final class Replica implements AutoCloseable {

    private static final String MODE = "podtally.podcounts.mode";

    private final ConfigurableApplicationContext context;
    private final int port;
    private final ApiClient api;

    private Replica(ConfigurableApplicationContext context) {
        this.context = context;
        this.port = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
        this.api = new ApiClient(port);
    }

    /**
     * A replica with {@code properties}; in paginated mode unless they set {@code podtally.podcounts.mode}, as the
     * tests of the refresh count its LISTs (the watch mode tests set {@code watch}).
     */
    static Replica start(Map<String, String> properties) {
        List<String> args = new ArrayList<>();
        args.add("--server.port=0");
        if (!properties.containsKey(MODE)) {
            args.add("--" + MODE + "=paginated");
        }
        properties.forEach((key, value) -> args.add("--" + key + "=" + value));
        return new Replica(new SpringApplicationBuilder(PodtallyApplication.class).run(args.toArray(String[]::new)));
    }

    /**
     * A replica serving {@code sim} as cluster {@code context} (no demo clusters), its pod counts in {@code redis},
     * with {@code more} properties on top: for tests whose replicas differ in their settings.
     */
    static Replica start(SimulatedCluster sim, String context, RedisServer redis, Map<String, String> more)
            throws IOException {
        Path kubeconfig = Files.createTempFile("podtally-" + context, ".yaml");
        sim.writeKubeconfig(kubeconfig, context);
        Map<String, String> properties = new LinkedHashMap<>(Map.of(
                "podtally.clusters.kubeconfig", kubeconfig.toString(),
                "podtally.demo.enabled", "false",
                "podtally.store", "redis",
                "spring.data.redis.host", "127.0.0.1",
                "spring.data.redis.port", Integer.toString(redis.port())));
        properties.putAll(more);
        return start(properties);
    }

    int port() {
        return port;
    }

    /** The state of {@code cluster}'s node informer, as {@code /api/v1/clusters} says; {@code absent} when unlisted. */
    String informerState(String cluster) {
        for (JsonNode info : api.json("/api/v1/clusters").get("data")) {
            if (cluster.equals(info.get("name").asString())) {
                return info.at("/informer/state").asString();
            }
        }
        return "absent";
    }

    ApiClient api() {
        return api;
    }

    /** The replica's bean of {@code type}. */
    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    /** The replica's bean named {@code name} as a {@code type}: for beans whose own class tests cannot see. */
    <T> T bean(String name, Class<T> type) {
        return context.getBean(name, type);
    }

    @Override
    public void close() {
        context.close();
    }
}
