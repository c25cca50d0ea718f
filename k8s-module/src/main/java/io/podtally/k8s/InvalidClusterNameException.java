package io.podtally.k8s;

/** A cluster name that podtally does not accept. */
public class InvalidClusterNameException extends IllegalArgumentException {

    public InvalidClusterNameException(String message) {
        super(message);
    }
}
