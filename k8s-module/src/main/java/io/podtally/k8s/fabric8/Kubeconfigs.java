package io.podtally.k8s.fabric8;

import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import io.podtally.k8s.ClusterNames;
import io.podtally.k8s.ClusterRegistryException;
import io.podtally.k8s.InvalidClusterNameException;
import io.podtally.k8s.RejectedCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads kubeconfig files the way {@code kubectl} merges {@code $KUBECONFIG}: the first file that
 * defines a context, cluster or user wins. Every context becomes one cluster configuration, named
 * after the context; a context whose name cannot be a cluster name is skipped with a warning and
 * reported as rejected.
 */
final class Kubeconfigs {

    private static final Logger log = LoggerFactory.getLogger(Kubeconfigs.class);

    private Kubeconfigs() {
    }

    /**
     * The contexts of some kubeconfig files.
     *
     * @param configs the client configuration of every served context, by context name, in file order
     * @param rejected the contexts skipped because of their names, in file order
     */
    record Loaded(Map<String, Config> configs, List<RejectedCluster> rejected) {
    }

    /**
     * The client configuration of every context in {@code files} and the contexts whose names are refused.
     *
     * @throws ClusterRegistryException when a file is missing, unreadable or not a kubeconfig
     */
    static Loaded load(List<Path> files) {
        List<io.fabric8.kubernetes.api.model.Config> parsed = new ArrayList<>();
        Map<String, RejectedCluster> rejected = new LinkedHashMap<>();
        Map<String, Path> contextFiles = new LinkedHashMap<>();
        Set<String> clusterNames = new HashSet<>();
        Map<String, String> contextClusters = new HashMap<>();
        for (Path file : files) {
            io.fabric8.kubernetes.api.model.Config kubeconfig = parse(file);
            if (kubeconfig == null) {
                log.warn("Kubeconfig file {} is empty; it adds no cluster", file);
                continue;
            }
            parsed.add(kubeconfig);
            if (kubeconfig.getClusters() != null) {
                kubeconfig.getClusters().stream()
                        .filter(c -> c.getCluster() != null)
                        .map(NamedCluster::getName)
                        .forEach(clusterNames::add);
            }
            for (NamedContext context : kubeconfig.getContexts() == null ? List.<NamedContext>of() : kubeconfig.getContexts()) {
                String name = context.getName();
                if (!ClusterNames.isValid(name)) {
                    reject(file, name, rejected);
                    continue;
                }
                if (context.getContext() == null) {
                    log.warn("Kubeconfig file {}: context '{}' has no cluster or user; skipped", file, name);
                    continue;
                }
                Path first = contextFiles.putIfAbsent(name, file);
                if (first != null) {
                    log.warn("Kubeconfig file {}: context '{}' is already defined in {}; the first one is used", file, name,
                            first);
                } else {
                    contextClusters.put(name, context.getContext().getCluster());
                }
            }
        }
        io.fabric8.kubernetes.api.model.Config[] all = parsed.toArray(io.fabric8.kubernetes.api.model.Config[]::new);
        Map<String, Config> configs = new LinkedHashMap<>();
        contextFiles.forEach((name, file) -> {
            String cluster = contextClusters.get(name);
            if (cluster == null || !clusterNames.contains(cluster)) {
                log.warn("Kubeconfig file {}: context '{}' refers to cluster '{}', which no kubeconfig file defines; skipped",
                        file, name, cluster);
                return;
            }
            configs.put(name, configFor(name, file, all));
        });
        return new Loaded(configs, List.copyOf(rejected.values()));
    }

    private static io.fabric8.kubernetes.api.model.Config parse(Path file) {
        if (!Files.exists(file)) {
            throw new ClusterRegistryException("kubeconfig file " + file + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new ClusterRegistryException("kubeconfig file " + file + " is not a regular file");
        }
        if (!Files.isReadable(file)) {
            throw new ClusterRegistryException("kubeconfig file " + file + " is not readable");
        }
        try {
            return KubeConfigUtils.parseConfig(file.toFile());
        } catch (RuntimeException e) {
            // Parser messages quote the offending lines, credentials included: keep only the failure's type.
            throw new ClusterRegistryException("kubeconfig file " + file + " is not a valid kubeconfig ("
                    + rootType(e) + ")");
        }
    }

    private static void reject(Path file, String name, Map<String, RejectedCluster> rejected) {
        String rule = brokenRule(name);
        log.warn("Kubeconfig file {}: context {} is skipped, it cannot be used as a cluster name: {}", file,
                quote(name), rule);
        rejected.putIfAbsent(String.valueOf(name), new RejectedCluster(shown(name), rule));
    }

    private static String brokenRule(String name) {
        try {
            ClusterNames.requireValid(name);
            return "not a valid cluster name";
        } catch (InvalidClusterNameException e) {
            return e.getMessage();
        }
    }

    private static Config configFor(String context, Path file, io.fabric8.kubernetes.api.model.Config[] kubeconfigs) {
        Config config = Config.empty();
        try {
            KubeConfigUtils.merge(config, context, kubeconfigs);
        } catch (KubernetesClientException e) {
            throw new ClusterRegistryException("kubeconfig file " + file + ": context '" + context
                    + "' cannot be loaded (" + rootType(e) + ")");
        }
        return config;
    }

    /** The name as it can be shown, in quotes: at most 64 characters, control characters escaped. */
    static String quote(String name) {
        return name == null ? "(none)" : "'" + shown(name) + "'";
    }

    /** The name as it can be shown: at most 64 characters, control characters escaped. */
    static String shown(String name) {
        if (name == null) {
            return "(none)";
        }
        StringBuilder text = new StringBuilder();
        name.codePoints().limit(64).forEach(c -> {
            if (Character.isISOControl(c)) {
                text.append(String.format("\\u%04x", c));
            } else {
                text.appendCodePoint(c);
            }
        });
        if (name.codePointCount(0, name.length()) > 64) {
            text.append("...");
        }
        return text.toString();
    }

    private static String rootType(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName();
    }
}
