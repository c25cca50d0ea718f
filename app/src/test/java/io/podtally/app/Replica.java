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
import org.springframework.context.ConfigurableApplicationContext;

/** One podtally instance in its own application context, on a random port, with its own Redis clients. */
final class Replica implements AutoCloseable {

    private final ConfigurableApplicationContext context;
    private final ApiClient api;

    private Replica(ConfigurableApplicationContext context) {
        this.context = context;
        this.api = new ApiClient(Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port")));
    }

    static Replica start(Map<String, String> properties) {
        List<String> args = new ArrayList<>();
        args.add("--server.port=0");
        properties.forEach((key, value) -> args.add("--" + key + "=" + value));
        return new Replica(new SpringApplicationBuilder(PodtallyApplication.class).run(args.toArray(String[]::new)));
    }

    /**
     * A replica serving {@code sim} as cluster {@code context} (no demo clusters), its pod counts in {@code redis},
     * with {@code more} properties on top.
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

    ApiClient api() {
        return api;
    }

    ConfigurableApplicationContext context() {
        return context;
    }

    @Override
    public void close() {
        context.close();
    }
}
