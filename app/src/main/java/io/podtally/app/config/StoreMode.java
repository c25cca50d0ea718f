package io.podtally.app.config;

/** Which pod-count store podtally uses. */
public enum StoreMode {
    /** Redis when it answers at start, otherwise the in-memory store (single replica only). */
    AUTO,
    /** Always Redis; start-up does not wait for it and reads answer {@code unavailable} while it is down. */
    REDIS,
    /** The in-memory store: correct for one replica only. */
    MEMORY
}
