package io.podtally.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.LIST;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

@DisplayName("docker-compose.yml, validated and resolved by docker-compose")
class ComposeFileTest {

    private static final Path ROOT = RepositoryRoot.find();
    private static final List<String> REPLICAS = List.of("podtally-1", "podtally-2", "podtally-3");
    private static final String[] DEFAULT = {"-f", "docker-compose.yml"};
    private static final String[] WITH_K3S =
            {"-f", "docker-compose.yml", "-f", "deploy/compose/k3s.yml", "--profile", "k3s"};
    private static final String[] WITH_LOCAL_IMAGES = {"-f", "docker-compose.yml", "-f", "deploy/compose/local-images.yml"};

    private final ComposeCli compose = new ComposeCli(ROOT);

    @Test
    @DisplayName("docker-compose config -q accepts the default file")
    void validatesDefault() {
        assertValid(DEFAULT);
    }

    @Test
    @DisplayName("docker-compose config -q accepts the file with the k3s override and profile")
    void validatesWithK3s() {
        assertValid(WITH_K3S);
    }

    @Test
    @DisplayName("docker-compose config -q accepts the file with the local-images override")
    void validatesWithLocalImages() {
        assertValid(WITH_LOCAL_IMAGES);
    }

    @Test
    @DisplayName("the local-images override swaps in the images of deploy/local-images and changes nothing else")
    void swapsInLocalImages() {
        Map<String, Object> upstream = services(Map.of(), DEFAULT);
        Map<String, Object> local = services(Map.of(), WITH_LOCAL_IMAGES);

        assertThat(Yamls.at(upstream, "redis.image")).asString().matches("redis:\\d+\\.\\d+\\.\\d+-alpine");
        assertThat(Yamls.at(upstream, "nginx.image")).asString().matches("nginx:\\d+\\.\\d+\\.\\d+-alpine");
        assertThat(Yamls.at(local, "redis.image")).isEqualTo("local/redis:7");
        assertThat(Yamls.at(local, "nginx.image")).isEqualTo("local/nginx:1");
        for (String replica : REPLICAS) {
            assertThat(Yamls.at(upstream, replica + ".build")).as(replica).asInstanceOf(MAP).doesNotContainKey("args");
            assertThat(Yamls.at(local, replica + ".build.args.JRE_IMAGE")).as(replica).isEqualTo("local/jre:17");
            assertThat(Yamls.at(local, replica + ".build.dockerfile")).as(replica).isEqualTo("app/Dockerfile");
        }
        assertThat(local.keySet()).containsExactlyInAnyOrderElementsOf(upstream.keySet());
        for (String service : upstream.keySet()) {
            Map<String, Object> expected = new LinkedHashMap<>(Yamls.map(upstream, service));
            Map<String, Object> actual = new LinkedHashMap<>(Yamls.map(local, service));
            String swapped = REPLICAS.contains(service) ? "build" : "image";
            expected.remove(swapped);
            actual.remove(swapped);
            // Compose 1.29 prints a service's volumes in no fixed order.
            assertThat(actual.getOrDefault("volumes", List.of())).as(service).asInstanceOf(LIST)
                    .containsExactlyInAnyOrderElementsOf((List<?>) expected.getOrDefault("volumes", List.of()));
            expected.remove("volumes");
            actual.remove("volumes");
            assertThat(actual).as(service).isEqualTo(expected);
        }
    }

    @Test
    @DisplayName("runs three podtally replicas on the redis store, each health-checked and started after Redis answers PING")
    void runsThreeReplicasOnRedis() {
        Map<String, Object> services = services(Map.of(), DEFAULT);

        assertThat(services.keySet()).filteredOn(name -> name.startsWith("podtally"))
                .containsExactlyInAnyOrderElementsOf(REPLICAS);
        assertThat(String.join(" ", Yamls.list(services, "redis.healthcheck.test").stream().map(String::valueOf)
                .toList())).as("Redis is healthy once it answers PING with the password")
                .contains("REDISCLI_AUTH").contains("redis-cli ping").contains("PONG");
        for (String replica : REPLICAS) {
            Map<String, Object> service = Yamls.map(services, replica);
            assertThat(Yamls.map(service, "environment"))
                    .as(replica)
                    .containsEntry("PODTALLY_STORE", "redis")
                    .containsEntry("SPRING_DATA_REDIS_HOST", "redis")
                    .doesNotContainKey("PODTALLY_CLUSTERS_KUBECONFIG");
            assertThat(Yamls.at(service, "depends_on.redis.condition")).as(replica).isEqualTo("service_healthy");
            assertThat(Yamls.list(service, "healthcheck.test")).as(replica)
                    .anySatisfy(arg -> assertThat(arg).asString().endsWith("/actuator/health/readiness"));
            assertThat(Yamls.at(service, "build.dockerfile")).as(replica).isEqualTo("app/Dockerfile");
            assertThat(Yamls.at(service, "read_only")).as(replica).isEqualTo(true);
        }
    }

    @Test
    @DisplayName("protects Redis with a password that the replicas share through one variable")
    void sharesRedisPassword() {
        Map<String, Object> defaults = services(Map.of(), DEFAULT);
        Map<String, Object> custom = services(Map.of("REDIS_PASSWORD", "chosen-by-operator"), DEFAULT);

        assertThat(Yamls.at(defaults, "redis.image")).asString().matches("redis:\\d+\\.\\d+\\.\\d+-alpine");
        assertThat(String.join(" ", Yamls.list(defaults, "redis.command").stream().map(String::valueOf).toList()))
                .contains("--requirepass");
        assertThat(Yamls.list(defaults, "redis.healthcheck.test")).isNotEmpty();
        assertThat(Yamls.at(defaults, "redis.environment.REDIS_PASSWORD")).asString().isNotBlank();
        assertThat(Yamls.at(custom, "redis.environment.REDIS_PASSWORD")).isEqualTo("chosen-by-operator");
        for (String replica : REPLICAS) {
            assertThat(Yamls.at(defaults, replica + ".environment.SPRING_DATA_REDIS_PASSWORD"))
                    .isEqualTo(Yamls.at(defaults, "redis.environment.REDIS_PASSWORD"));
            assertThat(Yamls.at(custom, replica + ".environment.SPRING_DATA_REDIS_PASSWORD"))
                    .isEqualTo("chosen-by-operator");
        }
    }

    @Test
    @DisplayName("balances round robin over exactly the three replicas with nginx on one port, after they are healthy")
    void balancesWithNginx() throws IOException {
        Map<String, Object> nginx = Yamls.map(services(Map.of(), DEFAULT), "nginx");
        String config = Files.readString(ROOT.resolve("deploy/nginx/nginx.conf"));
        Matcher upstream = Pattern.compile("upstream\\s+podtally\\s*\\{([^}]*)}").matcher(config);

        assertThat(upstream.find()).as("upstream podtally block in nginx.conf").isTrue();
        String block = upstream.group(1);
        assertThat(Pattern.compile("^\\s*server\\s+(\\S+?):8080\\b", Pattern.MULTILINE).matcher(block).results()
                .map(m -> m.group(1)).toList()).containsExactlyInAnyOrderElementsOf(REPLICAS);
        assertThat(block).doesNotContainPattern("\\b(least_conn|ip_hash|hash|random)\\b");
        assertThat(config).containsPattern("proxy_pass\\s+http://podtally;");
        assertThat(Yamls.at(nginx, "image")).asString().matches("nginx:\\d+\\.\\d+\\.\\d+-alpine");
        assertThat(mounts(nginx))
                .containsEntry("/etc/nginx/nginx.conf", ROOT.resolve("deploy/nginx/nginx.conf").toString());
        assertThat(Yamls.list(nginx, "ports")).singleElement().satisfies(port -> {
            assertThat(Yamls.at(port, "published")).isEqualTo(8080);
            assertThat(Yamls.at(port, "target")).isEqualTo(8080);
        });
        for (String replica : REPLICAS) {
            assertThat(Yamls.at(nginx, "depends_on." + replica + ".condition")).isEqualTo("service_healthy");
        }
    }

    @Test
    @DisplayName("with the k3s profile adds a privileged K3s and points every replica at its kubeconfig")
    void pointsReplicasAtK3s() {
        Map<String, Object> services = services(Map.of(), WITH_K3S);
        Map<String, Object> k3s = Yamls.map(services, "k3s");
        Map<String, Object> kubeconfigJob = Yamls.map(services, "k3s-kubeconfig");

        assertThat(Yamls.at(k3s, "image")).asString().matches("rancher/k3s:v\\d+\\.\\d+\\.\\d+-k3s\\d+");
        assertThat(Yamls.at(k3s, "privileged")).isEqualTo(true);
        assertThat(Yamls.list(k3s, "profiles")).containsExactly("k3s");
        assertThat(Yamls.at(k3s, "environment.K3S_KUBECONFIG_OUTPUT")).isEqualTo("/output/kubeconfig.yaml");
        assertThat(Yamls.at(kubeconfigJob, "depends_on.k3s.condition")).isEqualTo("service_healthy");
        for (String replica : REPLICAS) {
            Map<String, Object> service = Yamls.map(services, replica);
            assertThat(Yamls.at(service, "environment.PODTALLY_CLUSTERS_KUBECONFIG"))
                    .isEqualTo("/etc/podtally/k3s/podtally.yaml");
            assertThat(mounts(service)).containsEntry("/etc/podtally/k3s", "k3s-kubeconfig");
            assertThat(Yamls.at(service, "depends_on.k3s-kubeconfig.condition"))
                    .isEqualTo("service_completed_successfully");
            assertThat(Yamls.at(service, "depends_on.redis.condition")).isEqualTo("service_healthy");
        }
        assertThat(mounts(kubeconfigJob)).containsEntry("/output", "k3s-kubeconfig");
        assertThat(mounts(k3s)).containsEntry("/output", "k3s-kubeconfig");
    }

    @Test
    @DisplayName("rewrites the kubeconfig K3s writes so that the replicas reach https://k3s:6443 as cluster k3s")
    void rewritesK3sKubeconfig(@TempDir Path output) throws IOException {
        Files.copy(TestResources.path("/deploy/k3s-kubeconfig.yaml"), output.resolve("kubeconfig.yaml"));
        List<Object> command = Yamls.list(services(Map.of(), WITH_K3S), "k3s-kubeconfig.command");
        assertThat(command.subList(0, 2)).containsExactly("sh", "-c");
        String script = String.valueOf(command.get(2)).replace("$$", "$").replace("/output/", output + "/");

        Processes.Result result = Processes.run(List.of("sh", "-c", script), output, env -> { }, "sh is missing");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        Map<String, Object> kubeconfig = new Yaml().load(Files.readString(output.resolve("podtally.yaml")));
        assertThat(Yamls.at(kubeconfig, "current-context")).isEqualTo("k3s");
        assertThat(Yamls.at(kubeconfig, "contexts.[name=k3s].context"))
                .isEqualTo(Map.of("cluster", "k3s", "user", "k3s"));
        assertThat(Yamls.at(kubeconfig, "clusters.[name=k3s].cluster.server")).isEqualTo("https://k3s:6443");
        assertThat(Yamls.at(kubeconfig, "clusters.[name=k3s].cluster.certificate-authority-data")).isEqualTo("LS0t");
        assertThat(Yamls.at(kubeconfig, "users.[name=k3s].user.client-certificate-data")).isEqualTo("LS0t");
        assertThat(Files.readString(output.resolve("podtally.yaml"))).doesNotContain("default", "127.0.0.1");
    }

    private void assertValid(String... files) {
        String[] arguments = concat(files, "config", "-q");
        Processes.Result result = compose.run(Map.of(), arguments);

        assertThat(result.exitCode()).as("docker-compose %s\n%s", String.join(" ", arguments), result.stderr()).isZero();
    }

    private Map<String, Object> services(Map<String, String> environment, String... files) {
        String[] arguments = concat(files, "config");
        Processes.Result result = compose.run(environment, arguments);
        assertThat(result.exitCode()).as("docker-compose %s\n%s", String.join(" ", arguments), result.stderr()).isZero();
        Map<String, Object> resolved = new Yaml().load(result.stdout());
        return Yamls.map(resolved, "services");
    }

    /** Mount target to source of a resolved service; Compose 1.29 prints volumes as source:target[:mode]. */
    private static Map<String, String> mounts(Map<String, Object> service) {
        Map<String, String> mounts = new LinkedHashMap<>();
        for (Object volume : Yamls.list(service, "volumes")) {
            if (volume instanceof String shortForm) {
                String[] parts = shortForm.split(":");
                mounts.put(parts[1], parts[0]);
            } else {
                mounts.put(String.valueOf(Yamls.at(volume, "target")), String.valueOf(Yamls.at(volume, "source")));
            }
        }
        return mounts;
    }

    private static String[] concat(String[] first, String... rest) {
        String[] all = new String[first.length + rest.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(rest, 0, all, first.length, rest.length);
        return all;
    }
}
