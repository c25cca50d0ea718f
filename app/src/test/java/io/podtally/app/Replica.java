package io.podtally.app;

import java.util.ArrayList;
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

    ApiClient api() {
        return api;
    }

    /** The replica's bean of {@code type}. */
    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }
}
