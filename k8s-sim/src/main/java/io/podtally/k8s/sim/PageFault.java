package io.podtally.k8s.sim;

import java.time.Duration;
import java.util.Objects;

/**
 * What a pod list page answers instead of its items. Injected with
 * {@link SimulatedCluster#injectPageFault(int, PageFault, int)}.
 */
public final class PageFault {

    /** The kinds of fault. */
    public enum Type {
        /** An HTTP error status with a Kubernetes {@code Status} body. */
        STATUS,
        /** {@code 410 Gone} with reason {@code Expired}: the continue token is too old. */
        EXPIRED,
        /** {@code 429 Too Many Requests} with a {@code Retry-After} header. */
        TOO_MANY_REQUESTS,
        /** No answer at all until the server stops. */
        STALL,
        /** The page is served, after an extra delay. */
        DELAY
    }

    private final Type type;
    private final int status;
    private final Duration duration;

    private PageFault(Type type, int status, Duration duration) {
        this.type = type;
        this.status = status;
        this.duration = duration;
    }

    /** The page answers {@code status} (e.g. 500, 503) with a {@code Status} body. */
    public static PageFault status(int status) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("not an error status: " + status);
        }
        return new PageFault(Type.STATUS, status, Duration.ZERO);
    }

    /** The page answers {@code 410 Expired}, as an API server does for a continue token that is too old. */
    public static PageFault expired() {
        return new PageFault(Type.EXPIRED, 410, Duration.ZERO);
    }

    /** The page answers {@code 429} with {@code Retry-After} in whole seconds (rounded up). */
    public static PageFault tooManyRequests(Duration retryAfter) {
        return new PageFault(Type.TOO_MANY_REQUESTS, 429, Objects.requireNonNull(retryAfter));
    }

    /** The page never answers; the connection stays open until the client gives up or the server stops. */
    public static PageFault stall() {
        return new PageFault(Type.STALL, 0, Duration.ZERO);
    }

    /** The page is served after {@code delay} on top of the cluster's page latency. */
    public static PageFault delay(Duration delay) {
        return new PageFault(Type.DELAY, 200, Objects.requireNonNull(delay));
    }

    public Type type() {
        return type;
    }

    /** The HTTP status answered (0 for a stall). */
    public int status() {
        return status;
    }

    /** The {@code Retry-After} of a 429, or the extra delay of a delayed page. */
    public Duration duration() {
        return duration;
    }

    @Override
    public String toString() {
        return type + (status > 0 ? " " + status : "") + (duration.isZero() ? "" : " " + duration);
    }
}
