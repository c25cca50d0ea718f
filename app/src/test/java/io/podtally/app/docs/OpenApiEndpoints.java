package io.podtally.app.docs;

import io.podtally.app.PodtallyApplication;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The endpoints under {@code /api/} of the OpenAPI description that podtally serves at {@code /v3/api-docs}, read
 * from an instance started on a free port with the in-memory store, no cluster and the admin endpoints on.
 */
final class OpenApiEndpoints {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    private OpenApiEndpoints() {
    }

    static Set<String> served() throws IOException, InterruptedException {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(PodtallyApplication.class).run(
                "--server.port=0",
                "--spring.main.banner-mode=off",
                "--podtally.store=memory",
                "--podtally.demo.enabled=false",
                "--podtally.clusters.kubeconfig=",
                "--podtally.clusters.in-cluster=false",
                "--podtally.podcounts.warm-up=false",
                "--podtally.admin.token=docs-consistency")) {
            String port = context.getEnvironment().getRequiredProperty("local.server.port");
            HttpResponse<String> answer = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v3/api-docs"))
                            .timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("/v3/api-docs answered " + answer.statusCode() + ": " + answer.body());
            }
            return endpoints(JsonMapper.builder().build().readTree(answer.body()));
        }
    }

    static Set<String> endpoints(JsonNode description) {
        Set<String> endpoints = new TreeSet<>();
        for (Map.Entry<String, JsonNode> path : description.path("paths").properties()) {
            if (!path.getKey().startsWith("/api/")) {
                continue;
            }
            for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
                if (METHODS.contains(operation.getKey())) {
                    endpoints.add(ApiDoc.endpoint(operation.getKey(), path.getKey()));
                }
            }
        }
        return endpoints;
    }
}
