package io.podtally.cache;

/** The pod-count store (or the lock service beside it) could not be reached in time. */
public class StoreUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
