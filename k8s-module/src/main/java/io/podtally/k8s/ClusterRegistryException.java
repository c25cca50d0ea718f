package io.podtally.k8s;

/**
 * The configured clusters cannot be loaded: a kubeconfig file is missing, unreadable or invalid,
 * or a cluster name is not acceptable. The message names the file and the context and says what
 * is wrong; it never contains credentials.
 */
public class ClusterRegistryException extends RuntimeException {

    public ClusterRegistryException(String message) {
        super(message);
    }

    public ClusterRegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
