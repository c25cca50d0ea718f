package io.podtally.cache.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.podtally.cache.StoreKeyException;
import io.podtally.cache.StoreUnavailableException;
import java.util.Locale;
import java.util.Set;
import org.springframework.dao.DataAccessException;

/**
 * Tells a Redis failure that concerns one key ({@link StoreKeyException}) from one that concerns Redis as a whole
 * ({@link StoreUnavailableException}), for the Lettuce (through Spring Data Redis) and the Redisson clients.
 *
 * <p>Only an error reply whose code concerns the command's key is a key error: {@code WRONGTYPE}, {@code NOPERM},
 * {@code OOM} and {@code ERR} (scripts and commands). Everything else is an outage: no connection, a refused or reset
 * connection, a timeout, and the replies every key would get alike ({@code LOADING}, {@code BUSY},
 * {@code READONLY}, {@code MASTERDOWN}, {@code CLUSTERDOWN}, {@code NOAUTH} …).
 */
final class RedisErrors {

    private static final Set<String> KEY_CODES = Set.of("WRONGTYPE", "NOPERM", "OOM", "ERR");

    private RedisErrors() {}

    /** The module exception for {@code e}, with a message that starts with {@code what} (e.g. "Redis read of K"). */
    static RuntimeException translate(String what, Throwable e) {
        String message = what + " failed: " + mostSpecificMessage(e);
        StoreKeyException.Kind kind = kindOf(e);
        return kind == null ? new StoreUnavailableException(message, e) : new StoreKeyException(kind, message, e);
    }

    /** Whether {@code e} is an error reply about the command's key rather than an outage. */
    static boolean isKeyError(Throwable e) {
        return kindOf(e) != null;
    }

    /** The kind of key error, or {@code null} for an outage. */
    static StoreKeyException.Kind kindOf(Throwable e) {
        String reply = errorReply(e);
        if (reply == null) {
            return null;
        }
        int space = reply.indexOf(' ');
        String code = space < 0 ? reply : reply.substring(0, space);
        if (!KEY_CODES.contains(code)) {
            return null;
        }
        if (reply.contains("WRONGTYPE")) {
            return StoreKeyException.Kind.WRONGTYPE;
        }
        if (reply.contains("NOPERM")) {
            return StoreKeyException.Kind.NOPERM;
        }
        if (code.equals("OOM")) {
            return StoreKeyException.Kind.OOM;
        }
        return reply.toLowerCase(Locale.ROOT).contains("script") ? StoreKeyException.Kind.SCRIPT
                : StoreKeyException.Kind.OTHER;
    }

    /**
     * The error reply Redis sent, or {@code null} when the failure is not one (or a connection failure came first in
     * the chain: an error reply while connecting, such as "max number of clients reached", is an outage).
     */
    private static String errorReply(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof io.lettuce.core.RedisConnectionException
                    || t instanceof org.springframework.data.redis.RedisConnectionFailureException
                    || t instanceof org.redisson.client.RedisConnectionException) {
                return null;
            }
            if (t instanceof org.redisson.client.RedisOutOfMemoryException) {
                // Redisson cuts the reply's code off the message of this exception only.
                return "OOM " + (t.getMessage() == null ? "" : t.getMessage().strip());
            }
            if (t instanceof RedisCommandExecutionException
                    || t.getClass() == org.redisson.client.RedisException.class) {
                return t.getMessage() == null ? null : t.getMessage().strip();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static String mostSpecificMessage(Throwable e) {
        if (e instanceof DataAccessException d) {
            return d.getMostSpecificCause().getMessage();
        }
        return e.getMessage();
    }
}
