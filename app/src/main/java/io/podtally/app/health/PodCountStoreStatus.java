package io.podtally.app.health;

import java.time.Duration;

/** What the pod-count store reports about itself, for its health. */
public interface PodCountStoreStatus {

    /** {@code redis} or {@code memory}. */
    String kind();

    /** {@code null} when the store answers now, else why it does not. */
    String problem();

    /** Whether this replica receives the other replicas' events; {@code null} when there are none to receive. */
    Boolean eventsSubscribed();

    /** This replica's clock minus the store's, as last measured; {@code null} when not measured. */
    Duration clockSkew();

    /** Whether {@link #clockSkew()} is beyond what freshness tolerates without a warning. */
    boolean clockSkewed();
}
