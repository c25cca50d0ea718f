package io.podtally.cache;

import java.util.Locale;

/**
 * Redis answered, but refused a command on one key: the key holds another type, the ACL user may not use it, Redis
 * is out of memory for writes, or a script failed. That is a problem of the cluster whose key it is, not an outage:
 * it does not open the circuit breaker, and the other clusters are served.
 */
public class StoreKeyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What Redis refused; {@link #label()} is the {@code kind} tag of the store-error metric. */
    public enum Kind {
        /** {@code WRONGTYPE}: the key holds another data type. */
        WRONGTYPE,
        /** {@code NOPERM}: the ACL user may not use the key (or the command). */
        NOPERM,
        /** {@code OOM}: Redis is at {@code maxmemory} and refuses writes. */
        OOM,
        /** A script error ({@code ERR} from a Lua script). */
        SCRIPT,
        /** Any other error reply ({@code ERR} …). */
        OTHER;

        /** The lower-case name used in metrics and logs. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Kind kind;

    public StoreKeyException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** What Redis refused. */
    public Kind kind() {
        return kind;
    }
}
