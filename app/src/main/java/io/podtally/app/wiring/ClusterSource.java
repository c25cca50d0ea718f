package io.podtally.app.wiring;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one line logged at start that says where the served clusters come from and why: the kubeconfig files (set by
 * {@code podtally.clusters.kubeconfig}, by {@code $KUBECONFIG}, or found at {@code ~/.kube/config}), the in-cluster
 * service account, and the demo clusters (forced on, or on because nothing else is configured). A quick start on a
 * machine with a kubeconfig serves that kubeconfig's real clusters, not the demo: this line is where that shows.
 */
public final class ClusterSource {

    private ClusterSource() {}

    /**
     * @param kubeconfigProperty whether {@code podtally.clusters.kubeconfig} was set
     * @param kubeconfigVariable {@code $KUBECONFIG}, or {@code null}
     * @param kubeconfigs the kubeconfig files read
     * @param inCluster whether {@code podtally.clusters.in-cluster} is on
     * @param configured the clusters served from them
     * @param demo the demo setting: {@code auto}, {@code on} or {@code off}
     * @param demoClusters the demo clusters served (none when off)
     */
    public static String describe(boolean kubeconfigProperty, String kubeconfigVariable, List<Path> kubeconfigs,
            boolean inCluster, List<String> configured, String demo, List<String> demoClusters) {
        List<String> parts = new ArrayList<>();
        if (!kubeconfigs.isEmpty()) {
            String why = kubeconfigProperty ? "set by podtally.clusters.kubeconfig"
                    : kubeconfigVariable != null && !kubeconfigVariable.isBlank() ? "from $KUBECONFIG"
                    : "found at ~/.kube/config";
            parts.add("kubeconfig " + kubeconfigs + " (" + why + ")");
        } else if (kubeconfigProperty) {
            parts.add("no kubeconfig (podtally.clusters.kubeconfig set empty)");
        } else {
            parts.add("no kubeconfig (neither $KUBECONFIG nor ~/.kube/config)");
        }
        if (inCluster) {
            parts.add("in-cluster service account (podtally.clusters.in-cluster=true)");
        }
        String demoPart;
        if (!demoClusters.isEmpty()) {
            demoPart = "demo clusters " + demoClusters + ("on".equals(demo)
                    ? " (podtally.demo.enabled=on)"
                    : " (podtally.demo.enabled=auto and no cluster configured)");
        } else if ("off".equals(demo)) {
            demoPart = "no demo (podtally.demo.enabled=off)";
        } else if ("auto".equals(demo)) {
            demoPart = "no demo (podtally.demo.enabled=auto and " + configured.size()
                    + " clusters configured; set it to on to add the demo clusters)";
        } else {
            demoPart = "no demo (no preset in podtally.demo.presets)";
        }
        parts.add(demoPart);
        return "Cluster source: " + String.join("; ", parts) + "; serving configured clusters " + configured;
    }
}
