package io.podtally.k8s.fabric8;

import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import io.podtally.k8s.ClusterNames;
import io.podtally.k8s.ClusterRegistryException;
import io.podtally.k8s.InvalidClusterNameException;
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
 * after the context.
 */
final class Kubeconfigs {

    private static final Logger log = LoggerFactory.getLogger(Kubeconfigs.class);

    private Kubeconfigs() {
    }

    /**
     * The client configuration of every context in {@code files}, by context name, in file order.
     *
     * @throws ClusterRegistryException when a file is missing, unreadable or not a kubeconfig, or a
     *     context name is not a valid cluster name
     */
    static Map<String, Config> load(List<Path> files) {
        List<io.fabric8.kubernetes.api.model.Config> parsed = new ArrayList<>();
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
                requireValidName(file, name);
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
        return configs;
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

    private static void requireValidName(Path file, String name) {
        try {
            ClusterNames.requireValid(name);
        } catch (InvalidClusterNameException e) {
            throw new ClusterRegistryException("kubeconfig file " + file + ": context " + quote(name)
                    + " cannot be used as a cluster name: " + e.getMessage());
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

    /** The name as it can be shown: at most 64 characters, control characters escaped. */
    static String quote(String name) {
        if (name == null) {
            return "(none)";
        }
        StringBuilder text = new StringBuilder("'");
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
        return text.append('\'').toString();
    }

    private static String rootType(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName();
    }
}
