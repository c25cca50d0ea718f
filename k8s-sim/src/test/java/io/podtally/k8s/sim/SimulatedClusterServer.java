package io.podtally.k8s.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Runs a simulated cluster in a process of its own, so that a benchmark measures only its client.
 * Arguments: the kubeconfig file to write once serving, nodes, active pods, seed. Serves until its
 * standard input ends.
 */
public final class SimulatedClusterServer {

    private SimulatedClusterServer() {
    }

    public static void main(String[] args) throws IOException {
        Path kubeconfig = Path.of(args[0]);
        try (SimulatedCluster sim = SimulatedCluster.builder()
                .nodes(Integer.parseInt(args[1]))
                .activePods(Long.parseLong(args[2]))
                .seed(Long.parseLong(args[3]))
                .start()) {
            Path tmp = kubeconfig.resolveSibling(kubeconfig.getFileName() + ".tmp");
            sim.writeKubeconfig(tmp, "benchmark");
            Files.move(tmp, kubeconfig, StandardCopyOption.ATOMIC_MOVE);
            while (System.in.read() >= 0) {
                Thread.onSpinWait();
            }
        }
    }
}
