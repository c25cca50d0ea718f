package io.podtally.app.wiring;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.UUID;

/** This replica's id for the watch leases: the pod's host name (its name in Kubernetes) and a short random suffix. */
public final class ReplicaIds {

    private ReplicaIds() {
    }

    public static String current() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "replica";
            }
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
