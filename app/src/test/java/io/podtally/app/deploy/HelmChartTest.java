package io.podtally.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.podtally.app.wiring.RedisSettingsFactory;
import io.podtally.cache.redis.RedisConnectionSettings;
import io.podtally.cache.redis.RedisTlsServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.yaml.snakeyaml.Yaml;

@DisplayName("Helm chart charts/podtally, linted and rendered by Helm")
class HelmChartTest {

    private static final Path CHART = RepositoryRoot.find().resolve("charts/podtally");
    private static final String RELEASE = "tally";
    private static final String NAMESPACE = "monitoring";
    private static final String FULLNAME = "tally-podtally";
    private static final String HEX_SHA256 = "[0-9a-f]{64}";

    @Test
    @DisplayName("passes helm lint --strict")
    void lintsStrictly() {
        LintResult result = new Helm(CHART).lint().strict().call();

        assertThat(result.isFailed()).as("lint failed: %s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).allSatisfy(message -> assertThat(message).startsWith("[INFO]"));
    }

    @Test
    @DisplayName("renders the default objects: three replicas, no Secret, no bundled Redis, no optional extras")
    void rendersDefaults() {
        Manifests manifests = render(null, Map.of());

        assertThat(manifests.all()).extracting(o -> o.get("kind") + "/" + Yamls.at(o, "metadata.name"))
                .containsExactlyInAnyOrder(
                        "ConfigMap/" + FULLNAME,
                        "ServiceAccount/" + FULLNAME,
                        "ClusterRole/" + FULLNAME,
                        "ClusterRoleBinding/" + FULLNAME,
                        "Service/" + FULLNAME,
                        "Deployment/" + FULLNAME,
                        "PodDisruptionBudget/" + FULLNAME);
        Map<String, Object> deployment = manifests.get("Deployment", FULLNAME);
        assertThat(Yamls.at(deployment, "spec.replicas")).isEqualTo(3);
        assertThat(Yamls.at(deployment, "spec.template.spec.terminationGracePeriodSeconds")).isEqualTo(45);
        assertThat(Yamls.at(manifests.get("PodDisruptionBudget", FULLNAME), "spec.maxUnavailable")).isEqualTo(1);
        assertThat(Yamls.at(manifests.get("ServiceAccount", FULLNAME), "automountServiceAccountToken"))
                .isEqualTo(true);
    }

    @Test
    @DisplayName("grants only get/list/watch on nodes and pods and get/list on node metrics, to its own service account")
    void limitsRbac() {
        Manifests manifests = render(null, Map.of());

        List<Object> rules = Yamls.list(manifests.get("ClusterRole", FULLNAME), "rules");
        assertThat(rules).containsExactlyInAnyOrder(
                Map.of("apiGroups", List.of(""), "resources", List.of("nodes", "pods"),
                        "verbs", List.of("get", "list", "watch")),
                Map.of("apiGroups", List.of("metrics.k8s.io"), "resources", List.of("nodes"),
                        "verbs", List.of("get", "list")));
        Map<String, Object> binding = manifests.get("ClusterRoleBinding", FULLNAME);
        assertThat(Yamls.map(binding, "roleRef"))
                .containsEntry("kind", "ClusterRole").containsEntry("name", FULLNAME);
        assertThat(Yamls.list(binding, "subjects")).containsExactly(
                Map.of("kind", "ServiceAccount", "name", FULLNAME, "namespace", NAMESPACE));
        assertThat(Yamls.at(manifests.get("Deployment", FULLNAME), "spec.template.spec.serviceAccountName"))
                .isEqualTo(FULLNAME);
    }

    @Test
    @DisplayName("creates no RBAC and mounts no token when the own cluster is not served")
    void omitsRbacWithoutInCluster() {
        Manifests manifests = render(null, Map.of("podtally.clusters.inCluster", false));

        assertThat(manifests.ofKind("ClusterRole")).isEmpty();
        assertThat(manifests.ofKind("ClusterRoleBinding")).isEmpty();
        assertThat(Yamls.at(manifests.get("Deployment", FULLNAME), "spec.template.spec.automountServiceAccountToken"))
                .isEqualTo(false);
        assertThat(Yamls.at(config(manifests), "podtally.clusters.in-cluster")).isEqualTo(false);
    }

    @Test
    @DisplayName("probes the actuator liveness and readiness groups, with a startup probe")
    void probesActuatorGroups() {
        Map<String, Object> container = podtallyContainer(render(null, Map.of()));

        assertThat(Yamls.at(container, "startupProbe.httpGet.path")).isEqualTo("/actuator/health/liveness");
        assertThat(Yamls.at(container, "livenessProbe.httpGet.path")).isEqualTo("/actuator/health/liveness");
        assertThat(Yamls.at(container, "readinessProbe.httpGet.path")).isEqualTo("/actuator/health/readiness");
        assertThat(Yamls.at(container, "readinessProbe.httpGet.port")).isEqualTo("http");
        assertThat(Yamls.at(container, "ports.[name=http].containerPort")).isEqualTo(8080);
        assertThat(Yamls.map(container, "resources")).containsKeys("requests", "limits");
    }

    @Test
    @DisplayName("runs non-root, read-only, without capabilities, with seccomp RuntimeDefault and /tmp on an emptyDir")
    void hardensPods() {
        Map<String, Object> podSpec = Yamls.map(render(null, Map.of()).get("Deployment", FULLNAME), "spec.template.spec");
        Map<String, Object> container = Yamls.map(podSpec, "containers.[name=podtally]");

        assertThat(Yamls.map(podSpec, "securityContext"))
                .containsEntry("runAsNonRoot", true)
                .containsEntry("runAsUser", 10001)
                .containsEntry("seccompProfile", Map.of("type", "RuntimeDefault"));
        assertThat(Yamls.map(container, "securityContext"))
                .containsEntry("runAsNonRoot", true)
                .containsEntry("readOnlyRootFilesystem", true)
                .containsEntry("allowPrivilegeEscalation", false)
                .containsEntry("capabilities", Map.of("drop", List.of("ALL")));
        assertThat(Yamls.at(podSpec, "volumes.[name=tmp].emptyDir")).isEqualTo(Map.of());
        assertThat(Yamls.at(container, "volumeMounts.[name=tmp].mountPath")).isEqualTo("/tmp");
    }

    @Test
    @DisplayName("spreads replicas across nodes and shuts down gracefully")
    void spreadsAndShutsDownGracefully() {
        Manifests manifests = render(null, Map.of());
        Map<String, Object> podSpec = Yamls.map(manifests.get("Deployment", FULLNAME), "spec.template.spec");

        List<Object> constraints = Yamls.list(podSpec, "topologySpreadConstraints");
        assertThat(constraints).singleElement().satisfies(c -> {
            assertThat(Yamls.at(c, "topologyKey")).isEqualTo("kubernetes.io/hostname");
            assertThat(Yamls.at(c, "labelSelector.matchLabels"))
                    .isEqualTo(Yamls.at(manifests.get("Deployment", FULLNAME), "spec.selector.matchLabels"));
        });
        Map<String, Object> config = config(manifests);
        assertThat(Yamls.at(config, "server.shutdown")).isEqualTo("graceful");
        assertThat(Yamls.at(config, "spring.lifecycle.timeout-per-shutdown-phase")).isEqualTo("20s");
        assertThat(Yamls.at(podSpec, "containers.[name=podtally].lifecycle.preStop.exec.command"))
                .isEqualTo(List.of("sleep", "5"));
    }

    @Test
    @DisplayName("mounts podtally's settings as application.yaml from the ConfigMap")
    void mountsApplicationConfig() {
        Manifests manifests = render(null, Map.of("podtally.podcounts.freshFor", "2m"));
        Map<String, Object> podSpec = Yamls.map(manifests.get("Deployment", FULLNAME), "spec.template.spec");
        Map<String, Object> config = config(manifests);

        assertThat(Yamls.at(podSpec, "volumes.[name=config].configMap.name")).isEqualTo(FULLNAME);
        assertThat(Yamls.at(podSpec, "containers.[name=podtally].volumeMounts.[name=config].mountPath"))
                .isEqualTo("/etc/podtally/config");
        assertThat(Yamls.at(podSpec, "containers.[name=podtally].env.[name=SPRING_CONFIG_ADDITIONAL_LOCATION].value"))
                .isEqualTo("optional:file:/etc/podtally/config/");
        assertThat(Yamls.map(config, "podtally.podcounts"))
                .containsEntry("fresh-for", "2m")
                .containsEntry("stale-for", "10m")
                .containsEntry("page-size", 1000)
                .containsEntry("page-timeout", "60s");
        assertThat(Yamls.at(config, "podtally.store")).isEqualTo("auto");
        assertThat(Yamls.map(config, "podtally.redis.near-cache"))
                .containsEntry("enabled", true)
                .containsEntry("max-clusters", 1000);
        assertThat(Yamls.at(config, "podtally.clusters.in-cluster")).isEqualTo(true);
        assertThat(Yamls.at(config, "spring.data")).isNull();
        assertThat(Yamls.map(config, "podtally")).doesNotContainKey("demo");
    }

    @Test
    @DisplayName("changes checksum/config with the settings and checksum/secret with the credentials, and only then")
    void rollsPodsOnConfigAndSecretChanges() {
        Map<String, Object> base = podAnnotations(render(null, Map.of("podtally.adminToken", "one")));
        Map<String, Object> same = podAnnotations(render(null, Map.of("podtally.adminToken", "one")));
        Map<String, Object> otherConfig = podAnnotations(render(null,
                Map.of("podtally.adminToken", "one", "podtally.podcounts.staleFor", "15m")));
        Map<String, Object> otherSecret = podAnnotations(render(null, Map.of("podtally.adminToken", "two")));

        assertThat(base.get("checksum/config")).asString().matches(HEX_SHA256);
        assertThat(base.get("checksum/secret")).asString().matches(HEX_SHA256);
        assertThat(same).isEqualTo(base);
        assertThat(otherConfig.get("checksum/config")).isNotEqualTo(base.get("checksum/config"));
        assertThat(otherConfig.get("checksum/secret")).isEqualTo(base.get("checksum/secret"));
        assertThat(otherSecret.get("checksum/secret")).isNotEqualTo(base.get("checksum/secret"));
        assertThat(otherSecret.get("checksum/config")).isEqualTo(base.get("checksum/config"));
    }

    @Test
    @DisplayName("uses an external Redis over TLS with the password and admin token from the chart's Secret")
    void usesExternalRedisWithTls() {
        Manifests manifests = render("values-external-redis-tls.yaml", Map.of());
        Map<String, Object> redis = Yamls.map(config(manifests), "spring.data.redis");
        Map<String, Object> secret = manifests.get("Secret", FULLNAME);
        Map<String, Object> container = podtallyContainer(manifests);

        assertThat(redis)
                .containsEntry("host", "redis.example.internal")
                .containsEntry("port", 6380)
                .containsEntry("username", "podtally")
                .containsEntry("database", 2)
                .containsEntry("ssl", Map.of("enabled", true))
                .doesNotContainKey("password");
        assertThat(Yamls.at(config(manifests), "podtally.store")).isEqualTo("redis");
        assertThat(decoded(secret, "redis-password")).isEqualTo("redis-password-for-tests");
        assertThat(decoded(secret, "admin-token")).isEqualTo("admin-token-for-tests");
        assertThat(Yamls.at(container, "env.[name=SPRING_DATA_REDIS_PASSWORD].valueFrom.secretKeyRef"))
                .isEqualTo(Map.of("name", FULLNAME, "key", "redis-password"));
        assertThat(Yamls.at(container, "env.[name=PODTALLY_ADMIN_TOKEN].valueFrom.secretKeyRef"))
                .isEqualTo(Map.of("name", FULLNAME, "key", "admin-token"));
        assertThat(manifests.find("Deployment", FULLNAME + "-redis")).isEmpty();
        assertThat(manifests.find("Service", FULLNAME + "-redis")).isEmpty();
        assertThat(manifests.all().toString()).doesNotContain("redis-password-for-tests");
    }

    @Test
    @DisplayName("uses Redis Sentinel from redis.sentinel, with the Sentinels' password and TLS certificates from Secrets")
    void usesSentinelWithTlsSecrets() {
        Manifests manifests = render("values-redis-sentinel-tls.yaml", Map.of());
        Map<String, Object> config = config(manifests);
        Map<String, Object> redis = Yamls.map(config, "spring.data.redis");
        Map<String, Object> container = podtallyContainer(manifests);
        Map<String, Object> podSpec = Yamls.map(manifests.get("Deployment", FULLNAME), "spec.template.spec");

        assertThat(redis)
                .containsEntry("sentinel", Map.of("master", "mymaster",
                        "nodes", "sentinel-0.redis:26379,sentinel-1.redis:26379,sentinel-2.redis:26379"))
                .containsEntry("database", 1)
                .containsEntry("username", "podtally")
                .containsEntry("ssl", Map.of("enabled", true, "bundle", "redis"))
                .doesNotContainKeys("host", "port", "password", "cluster");
        assertThat(Yamls.at(config, "spring.ssl.bundle.pem.redis")).isEqualTo(Map.of(
                "truststore", Map.of("certificate", "file:/etc/podtally/redis-tls/ca/ca.crt"),
                "keystore", Map.of("certificate", "file:/etc/podtally/redis-tls/client/tls.crt",
                        "private-key", "file:/etc/podtally/redis-tls/client/tls.key")));
        assertThat(Yamls.at(config, "podtally.store")).isEqualTo("redis");
        assertThat(Yamls.at(container, "env.[name=SPRING_DATA_REDIS_SENTINEL_PASSWORD].valueFrom.secretKeyRef"))
                .isEqualTo(Map.of("name", "redis-sentinel", "key", "password"));
        assertThat(Yamls.at(container, "env.[name=SPRING_DATA_REDIS_PASSWORD].valueFrom.secretKeyRef"))
                .isEqualTo(Map.of("name", FULLNAME, "key", "redis-password"));
        assertThat(Yamls.at(container, "volumeMounts.[name=redis-tls-ca].mountPath")).isEqualTo("/etc/podtally/redis-tls/ca");
        assertThat(Yamls.at(container, "volumeMounts.[name=redis-tls-client].mountPath"))
                .isEqualTo("/etc/podtally/redis-tls/client");
        assertThat(Yamls.at(podSpec, "volumes.[name=redis-tls-ca].secret.secretName")).isEqualTo("redis-ca");
        assertThat(Yamls.at(podSpec, "volumes.[name=redis-tls-client].secret.secretName")).isEqualTo("redis-client");
        assertThat(manifests.find("Deployment", FULLNAME + "-redis")).isEmpty();
    }

    @Test
    @DisplayName("accepts podtally.store=redis with a Sentinel or a Redis Cluster and no redis.external.host")
    void acceptsRedisStoreWithSentinelOrCluster() {
        assertThat(Yamls.at(config(render("values-redis-sentinel-tls.yaml", Map.of("podtally.store", "redis"))),
                "spring.data.redis.sentinel.master")).isEqualTo("mymaster");
        assertThat(Yamls.at(config(render("values-redis-cluster.yaml", Map.of("podtally.store", "redis"))),
                "podtally.store")).isEqualTo("redis");
    }

    @Test
    @DisplayName("the Sentinel and TLS settings it renders bind in podtally: Sentinel master and nodes, TLS with the "
            + "mounted CA as trust and the mounted client certificate as keys")
    void renderedSentinelTlsBindsInTheApp() {
        Map<String, Object> config = config(render("values-redis-sentinel-tls.yaml", Map.of()));
        try (RedisTlsServer tls = RedisTlsServer.start()) {
            Map<String, Path> mounted = Map.of(
                    "/etc/podtally/redis-tls/ca/ca.crt", tls.ca(),
                    "/etc/podtally/redis-tls/client/tls.crt", tls.ca().resolveSibling("server.crt"),
                    "/etc/podtally/redis-tls/client/tls.key", tls.ca().resolveSibling("server.key"));
            List<String> properties = new ArrayList<>();
            flatten("spring", Yamls.map(config, "spring"), properties);
            properties.replaceAll(p -> {
                for (Map.Entry<String, Path> file : mounted.entrySet()) {
                    p = p.replace("file:" + file.getKey(), "file:" + file.getValue());
                }
                return p;
            });
            new ApplicationContextRunner()
                    .withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, SslAutoConfiguration.class))
                    .withPropertyValues(properties.toArray(String[]::new))
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        RedisConnectionSettings settings = RedisSettingsFactory.create(
                                context.getBean(DataRedisConnectionDetails.class),
                                context.getBean(DataRedisProperties.class), Duration.ofSeconds(30));
                        assertThat(settings.sentinel()).isTrue();
                        assertThat(settings.sentinelMaster()).isEqualTo("mymaster");
                        assertThat(settings.sentinelNodes()).containsExactly("sentinel-0.redis:26379",
                                "sentinel-1.redis:26379", "sentinel-2.redis:26379");
                        assertThat(settings.database()).isEqualTo(1);
                        assertThat(settings.username()).isEqualTo("podtally");
                        assertThat(settings.ssl()).isTrue();
                        assertThat(settings.sslTrust()).isNotNull();
                        assertThat(settings.sslKeys()).isNotNull();
                    });
        }
    }

    /** {@code prefix.key=value} of every leaf of {@code tree}. */
    private static void flatten(String prefix, Map<String, Object> tree, List<String> into) {
        tree.forEach((key, value) -> {
            if (value instanceof Map<?, ?> child) {
                @SuppressWarnings("unchecked")
                Map<String, Object> map = (Map<String, Object>) child;
                flatten(prefix + "." + key, map, into);
            } else {
                into.add(prefix + "." + key + "=" + value);
            }
        });
    }

    @Test
    @DisplayName("uses Redis Cluster from redis.cluster.nodes; TLS with the JVM's CAs needs no Secret")
    void usesRedisCluster() {
        Manifests manifests = render("values-redis-cluster.yaml", Map.of("redis.tls.enabled", true));
        Map<String, Object> config = config(manifests);

        assertThat(Yamls.map(config, "spring.data.redis"))
                .containsEntry("cluster", Map.of("nodes", "redis-0.redis:6379,redis-1.redis:6379,redis-2.redis:6379"))
                .containsEntry("ssl", Map.of("enabled", true))
                .doesNotContainKeys("host", "port", "sentinel", "database");
        assertThat(Yamls.at(config, "spring.ssl")).isNull();
        assertThat(Yamls.at(config, "podtally.store")).isEqualTo("redis");
        assertThat(Yamls.list(Yamls.map(manifests.get("Deployment", FULLNAME), "spec.template.spec"), "volumes"))
                .noneMatch(v -> String.valueOf(Yamls.at(v, "name")).startsWith("redis-tls"));
        assertThat(installDryRun(Map.of("redis.cluster.nodes[0]", "redis-0.redis:6379")))
                .contains("shared through the Redis Cluster redis-0.redis:6379");
    }

    @Test
    @DisplayName("renders no PrometheusRule by default; when asked, one whose rules use only metrics podtally exports, "
            + "with stale-for in seconds and the configured labels, the same rules as docs/operations.md")
    void rendersPrometheusRule() throws Exception {
        assertThat(render(null, Map.of()).ofKind("PrometheusRule")).isEmpty();

        Manifests manifests = render(null, Map.of("metrics.prometheusRule.enabled", true,
                "metrics.prometheusRule.labels.release", "kube-prometheus",
                "metrics.prometheusRule.additionalRuleLabels.team", "platform"));
        Map<String, Object> rule = manifests.get("PrometheusRule", FULLNAME);

        assertThat(rule.get("apiVersion")).isEqualTo("monitoring.coreos.com/v1");
        assertThat(Yamls.map(rule, "metadata.labels")).containsEntry("release", "kube-prometheus");
        List<Object> rules = Yamls.list(rule, "spec.groups.[name=podtally].rules");
        assertThat(rules).extracting(r -> Yamls.at(r, "alert")).containsExactly("PodtallyPodCountsStale",
                "PodtallyRefreshFailing", "PodtallyStoreErrors", "PodtallyInformerDegraded",
                "PodtallyMetricsUnavailable", "PodtallyWatchLeaseUnheld");
        assertThat(rules).allSatisfy(r -> {
            assertThat(Yamls.at(r, "for")).isNotNull();
            assertThat(Yamls.map(r, "labels")).containsEntry("team", "platform").containsKey("severity");
            String expr = (String) Yamls.at(r, "expr");
            assertThat(Pattern.compile("podtally_[a-z_]+").matcher(expr).results().map(m -> m.group()))
                    .isSubsetOf(EXPORTED_METRICS);
        });
        assertThat(Yamls.at(rules.get(0), "expr")).isEqualTo("min by (cluster) (podtally_podcounts_age_seconds) > 600");
        assertThat(Yamls.at(render(null, Map.of("metrics.prometheusRule.enabled", true,
                "podtally.podcounts.staleFor", "PT15M")).get("PrometheusRule", FULLNAME),
                "spec.groups.[name=podtally].rules.[alert=PodtallyPodCountsStale].expr"))
                .isEqualTo("min by (cluster) (podtally_podcounts_age_seconds) > 900");

        String operations = Files.readString(RepositoryRoot.find().resolve("docs/operations.md"));
        assertThat(rules).allSatisfy(r -> assertThat(operations)
                .contains("- alert: " + Yamls.at(r, "alert"))
                .contains("expr: " + Yamls.at(r, "expr"))
                .contains("for: " + Yamls.at(r, "for")));
    }

    /** The Prometheus names of the podtally meters the alert rules may use, with the meter names in the code. */
    private static final Map<String, String> EXPORTED = Map.of(
            "podtally_podcounts_age_seconds", "podtally.podcounts.age",
            "podtally_podcounts_refresh_seconds_count", "podtally.podcounts.refresh",
            "podtally_podcounts_store_errors_total", "podtally.podcounts.store.errors",
            "podtally_informer_state", "podtally.informer.state",
            "podtally_metrics_state", "podtally.metrics.state",
            "podtally_watch_leases", "podtally.watch.leases");
    private static final List<String> EXPORTED_METRICS = List.copyOf(EXPORTED.keySet());

    @Test
    @DisplayName("the meters the alert rules use are defined in the code")
    void alertMetricsExist() throws Exception {
        StringBuilder sources = new StringBuilder();
        for (String module : List.of("cache-module", "app")) {
            try (Stream<Path> files = Files.walk(RepositoryRoot.find().resolve(module + "/src/main/java"))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    sources.append(Files.readString(file));
                }
            }
        }
        assertThat(EXPORTED.values()).allSatisfy(meter -> assertThat(sources).contains('"' + meter + '"'));
    }

    @Test
    @DisplayName("sets podtally.store=redis whenever it configures a Redis, bundled or external, even with store auto")
    void usesRedisStoreWhenRedisConfigured() {
        Map<String, Object> external = config(render(null,
                Map.of("podtally.store", "auto", "redis.external.host", "redis.example.internal")));
        Map<String, Object> bundled = config(render(null,
                Map.of("podtally.store", "auto", "redis.bundled.enabled", true, "redis.bundled.password", "p")));
        Map<String, Object> none = config(render(null, Map.of("podtally.store", "auto")));

        assertThat(Yamls.at(external, "podtally.store")).isEqualTo("redis");
        assertThat(Yamls.at(external, "spring.data.redis.host")).isEqualTo("redis.example.internal");
        assertThat(Yamls.at(bundled, "podtally.store")).isEqualTo("redis");
        assertThat(Yamls.at(bundled, "spring.data.redis.host")).isEqualTo(FULLNAME + "-redis");
        assertThat(Yamls.at(none, "podtally.store")).isEqualTo("auto");
        assertThat(Yamls.at(none, "spring.data")).isNull();
    }

    @Test
    @DisplayName("renders the bundled Redis only when asked, password-protected, non-root, and points podtally at it")
    void bundlesRedisOnlyWhenAsked() {
        Manifests manifests = render("values-bundled-redis.yaml", Map.of());
        String redisName = FULLNAME + "-redis";
        Map<String, Object> redisDeployment = manifests.get("Deployment", redisName);
        Map<String, Object> redisContainer = Yamls.map(redisDeployment, "spec.template.spec.containers.[name=redis]");

        assertThat(Yamls.at(redisDeployment, "spec.replicas")).isEqualTo(1);
        assertThat(Yamls.at(manifests.get("Service", redisName), "spec.ports.[name=redis].port")).isEqualTo(6379);
        assertThat(Yamls.at(manifests.get("Service", redisName), "spec.selector"))
                .isEqualTo(Yamls.at(redisDeployment, "spec.selector.matchLabels"))
                .isNotEqualTo(Yamls.at(manifests.get("Deployment", FULLNAME), "spec.selector.matchLabels"));
        assertThat(Yamls.list(redisContainer, "args")).containsSequence("--requirepass", "$(REDIS_PASSWORD)");
        assertThat(Yamls.at(redisContainer, "env.[name=REDIS_PASSWORD].valueFrom.secretKeyRef"))
                .isEqualTo(Map.of("name", FULLNAME, "key", "redis-password"));
        assertThat(Yamls.at(redisDeployment, "spec.template.spec.securityContext.runAsNonRoot")).isEqualTo(true);
        assertThat(Yamls.at(redisContainer, "securityContext.readOnlyRootFilesystem")).isEqualTo(true);
        assertThat(decoded(manifests.get("Secret", FULLNAME), "redis-password")).isEqualTo("bundled-password-for-tests");
        assertThat(Yamls.map(config(manifests), "spring.data.redis"))
                .containsEntry("host", redisName).containsEntry("port", 6379);
        assertThat(Yamls.at(podtallyContainer(manifests), "env.[name=SPRING_DATA_REDIS_PASSWORD].valueFrom.secretKeyRef"))
                .isEqualTo(Map.of("name", FULLNAME, "key", "redis-password"));

        Manifests external = render("values-external-redis-tls.yaml", Map.of());
        assertThat(external.all())
                .noneMatch(o -> "redis".equals(Yamls.map(o, "metadata.labels").get("app.kubernetes.io/component")));
        assertThat(external.all())
                .noneMatch(o -> redisName.equals(Yamls.at(o, "metadata.name")));
    }

    @Test
    @DisplayName("reads the admin token and the Redis password from an existing Secret and creates none")
    void usesExistingSecret() {
        Manifests manifests = render("values-existing-secret.yaml", Map.of());
        Map<String, Object> container = podtallyContainer(manifests);

        assertThat(manifests.ofKind("Secret")).isEmpty();
        assertThat(Yamls.at(container, "env.[name=PODTALLY_ADMIN_TOKEN].valueFrom.secretKeyRef"))
                .isEqualTo(Map.of("name", "podtally-credentials", "key", "token"));
        assertThat(Yamls.at(container, "env.[name=SPRING_DATA_REDIS_PASSWORD].valueFrom.secretKeyRef"))
                .isEqualTo(Map.of("name", "podtally-credentials", "key", "redis-pass"));
    }

    @Test
    @DisplayName("sets no credential variables when there is neither a token nor a password")
    void omitsCredentialsWhenNoneGiven() {
        Map<String, Object> container = podtallyContainer(render(null, Map.of()));

        assertThat(Yamls.list(container, "env")).extracting(e -> Yamls.at(e, "name"))
                .doesNotContain("PODTALLY_ADMIN_TOKEN", "SPRING_DATA_REDIS_PASSWORD");
    }

    @Test
    @DisplayName("mounts a kubeconfig Secret and lists each of its files in podtally.clusters.kubeconfig")
    void mountsKubeconfigSecret() {
        Manifests manifests = render("values-kubeconfig-secret.yaml", Map.of());
        Map<String, Object> podSpec = Yamls.map(manifests.get("Deployment", FULLNAME), "spec.template.spec");

        assertThat(Yamls.at(podSpec, "volumes.[name=kubeconfigs].secret.secretName")).isEqualTo("remote-clusters");
        assertThat(Yamls.list(podSpec, "volumes.[name=kubeconfigs].secret.items")).containsExactly(
                Map.of("key", "prod.yaml", "path", "prod.yaml"),
                Map.of("key", "staging.yaml", "path", "staging.yaml"));
        assertThat(Yamls.map(podSpec, "containers.[name=podtally].volumeMounts.[name=kubeconfigs]"))
                .containsEntry("mountPath", "/etc/podtally/kubeconfigs").containsEntry("readOnly", true);
        assertThat(Yamls.at(config(manifests), "podtally.clusters.kubeconfig"))
                .isEqualTo("/etc/podtally/kubeconfigs/prod.yaml,/etc/podtally/kubeconfigs/staging.yaml");
        assertThat(Yamls.at(config(manifests), "podtally.clusters.in-cluster")).isEqualTo(true);
    }

    @Test
    @DisplayName("scales through an autoscaling/v2 HPA that owns the replica count when autoscaling is on")
    void autoscales() {
        Manifests manifests = render(null, Map.of("autoscaling.enabled", true, "autoscaling.maxReplicas", 7));
        Map<String, Object> hpa = manifests.get("HorizontalPodAutoscaler", FULLNAME);

        assertThat(hpa.get("apiVersion")).isEqualTo("autoscaling/v2");
        assertThat(Yamls.map(hpa, "spec.scaleTargetRef"))
                .containsEntry("apiVersion", "apps/v1").containsEntry("kind", "Deployment").containsEntry("name", FULLNAME);
        assertThat(Yamls.at(hpa, "spec.minReplicas")).isEqualTo(3);
        assertThat(Yamls.at(hpa, "spec.maxReplicas")).isEqualTo(7);
        assertThat(Yamls.list(hpa, "spec.metrics")).singleElement()
                .satisfies(m -> assertThat(Yamls.at(m, "resource.target.averageUtilization")).isEqualTo(70));
        assertThat(Yamls.map(manifests.get("Deployment", FULLNAME), "spec")).doesNotContainKey("replicas");
    }

    @Test
    @DisplayName("takes the replica count from replicaCount")
    void setsReplicas() {
        Manifests manifests = render(null, Map.of("replicaCount", 5));

        assertThat(Yamls.at(manifests.get("Deployment", FULLNAME), "spec.replicas")).isEqualTo(5);
        assertThat(manifests.ofKind("HorizontalPodAutoscaler")).isEmpty();
    }

    @Test
    @DisplayName("adds a ServiceMonitor scraping /actuator/prometheus on the Service's http port when asked")
    void monitorsWithServiceMonitor() {
        Manifests manifests = render(null, Map.of("metrics.serviceMonitor.enabled", true));
        Map<String, Object> monitor = manifests.get("ServiceMonitor", FULLNAME);
        Map<String, Object> service = manifests.get("Service", FULLNAME);

        assertThat(monitor.get("apiVersion")).isEqualTo("monitoring.coreos.com/v1");
        assertThat(Yamls.list(monitor, "spec.endpoints")).singleElement().satisfies(e -> {
            assertThat(Yamls.at(e, "port")).isEqualTo("http");
            assertThat(Yamls.at(e, "path")).isEqualTo("/actuator/prometheus");
        });
        assertThat(Yamls.map(service, "metadata.labels"))
                .containsAllEntriesOf(Yamls.map(monitor, "spec.selector.matchLabels"));
        assertThat(Yamls.at(service, "spec.ports.[name=http].targetPort")).isEqualTo("http");
        assertThat(render(null, Map.of()).ofKind("ServiceMonitor")).isEmpty();
    }

    @Test
    @DisplayName("restricts traffic when asked: podtally's port from the given peers, Redis from podtally only")
    void restrictsTrafficWithNetworkPolicies() {
        Manifests manifests = render("values-network-policy.yaml", Map.of());
        Map<String, Object> podtally = manifests.get("NetworkPolicy", FULLNAME);
        Map<String, Object> redis = manifests.get("NetworkPolicy", FULLNAME + "-redis");
        Object podtallyPods = Yamls.at(manifests.get("Deployment", FULLNAME), "spec.selector.matchLabels");

        assertThat(Yamls.at(podtally, "spec.podSelector.matchLabels")).isEqualTo(podtallyPods);
        assertThat(Yamls.list(podtally, "spec.policyTypes")).containsExactly("Ingress", "Egress");
        assertThat(Yamls.list(podtally, "spec.ingress")).singleElement().satisfies(rule -> {
            assertThat(Yamls.list(rule, "ports")).containsExactly(Map.of("port", "http", "protocol", "TCP"));
            assertThat(Yamls.list(rule, "from")).hasSize(1);
        });
        assertThat(Yamls.list(podtally, "spec.egress")).hasSize(3);
        assertThat(Yamls.list(redis, "spec.ingress")).singleElement().satisfies(rule ->
                assertThat(Yamls.at(rule, "from"))
                        .isEqualTo(List.of(Map.of("podSelector", Map.of("matchLabels", podtallyPods)))));
        assertThat(render(null, Map.of()).ofKind("NetworkPolicy")).isEmpty();
    }

    @Test
    @DisplayName("prints NOTES that warn when several replicas have no shared Redis")
    void warnsInNotesWithoutRedis() {
        String withoutRedis = installDryRun(Map.of());
        String withRedis = installDryRun(
                Map.of("podtally.store", "redis", "redis.external.host", "redis.example.internal"));

        assertThat(withoutRedis).contains("NOTES:", "port-forward service/" + FULLNAME, "WARNING: no Redis is configured");
        assertThat(withRedis).contains("shared through Redis at redis.example.internal:6379")
                .doesNotContain("WARNING");
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of(Map.of("replicaCount", 0), "replicaCount"),
                Arguments.of(Map.of("replicaCount", "three"), "replicaCount"),
                Arguments.of(Map.of("podtally.store", "disk"), "podtally.store"),
                Arguments.of(Map.of("podtally.podcounts.freshFor", "five minutes"), "podtally.podcounts.freshFor"),
                Arguments.of(Map.of("podtally.podcounts.pageSize", 0), "podtally.podcounts.pageSize"),
                Arguments.of(Map.of("podtally.store", "redis"), "redis.external.host"),
                Arguments.of(Map.of("redis.bundled.enabled", true), "redis.bundled.password"),
                Arguments.of(Map.of("redis.external.port", 70000), "redis.external.port"),
                Arguments.of(Map.of("redis.sentinel.master", "mymaster"), "redis.sentinel.nodes"),
                Arguments.of(Map.of("redis.cluster.nodes[0]", "redis-0 6379"), "redis.cluster.nodes"),
                Arguments.of(Map.of("redis.tls.caKey", "../ca.crt"), "redis.tls.caKey"),
                Arguments.of(Map.of("replicas", 3), "replicas"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    @DisplayName("rejects bad values through values.schema.json")
    void rejectsBadValues(Map<String, Object> values, String offendingKey) {
        assertThatThrownBy(() -> render(null, values))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("schema")
                .hasMessageContaining(offendingKey);
    }

    @Test
    @DisplayName("accepts ISO-8601 durations, an external Redis host with the redis store and the demo switch")
    void acceptsGoodValues() {
        Manifests manifests = render(null, Map.of(
                "podtally.store", "redis",
                "redis.external.host", "redis.example.internal",
                "podtally.podcounts.freshFor", "PT3M",
                "podtally.demo.enabled", true));

        assertThat(Yamls.at(config(manifests), "podtally.podcounts.fresh-for")).isEqualTo("PT3M");
        assertThat(Yamls.at(config(manifests), "spring.data.redis.host")).isEqualTo("redis.example.internal");
        assertThat(Yamls.at(config(manifests), "podtally.demo.enabled")).isEqualTo(true);
    }

    private static Manifests render(String valuesFile, Map<String, Object> values) {
        TemplateCommand template = new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE);
        if (valuesFile != null) {
            template = template.withValuesFile(TestResources.path("/deploy/" + valuesFile));
        }
        for (Map.Entry<String, Object> value : new LinkedHashMap<>(values).entrySet()) {
            template = template.set(value.getKey(), value.getValue());
        }
        return Manifests.parse(template.call());
    }

    private static String installDryRun(Map<String, Object> values) {
        InstallCommand install = new Helm(CHART).install().withName(RELEASE).withNamespace(NAMESPACE)
                .dryRun().withDryRunOption(DryRun.CLIENT).clientOnly();
        for (Map.Entry<String, Object> value : values.entrySet()) {
            install = install.set(value.getKey(), value.getValue());
        }
        return install.call().getOutput();
    }

    private static Map<String, Object> podtallyContainer(Manifests manifests) {
        return Yamls.map(manifests.get("Deployment", FULLNAME), "spec.template.spec.containers.[name=podtally]");
    }

    private static Map<String, Object> podAnnotations(Manifests manifests) {
        return Yamls.map(manifests.get("Deployment", FULLNAME), "spec.template.metadata.annotations");
    }

    private static Map<String, Object> config(Manifests manifests) {
        String applicationYaml = (String) Yamls.map(manifests.get("ConfigMap", FULLNAME), "data").get("application.yaml");
        return new Yaml().load(applicationYaml);
    }

    private static String decoded(Map<String, Object> secret, String key) {
        Object encoded = Yamls.map(secret, "data").get(key);
        assertThat(encoded).as("key %s of the Secret", key).isNotNull();
        return new String(Base64.getDecoder().decode((String) encoded), StandardCharsets.UTF_8);
    }
}
