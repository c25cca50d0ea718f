package io.podtally.cache.redis;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that starts one {@link RedisServer} per test class and kills it after the
 * last test. The test report carries an entry {@code redis} naming what runs it.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RedisServerExtension REDIS = new RedisServerExtension();
 *
 * ... RedisConnectionSettings.standalone("127.0.0.1", REDIS.port()) ...
 * }</pre>
 */
public final class RedisServerExtension implements BeforeAllCallback, AfterAllCallback {

    private RedisServer server;

    @Override
    public void beforeAll(ExtensionContext context) {
        server = RedisServer.start();
        context.publishReportEntry("redis", server.kind());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** The running server (between the class's first and last test). */
    public RedisServer server() {
        if (server == null) {
            throw new IllegalStateException("redis-server not started: register the extension as a static field");
        }
        return server;
    }

    /** The server's port on 127.0.0.1. */
    public int port() {
        return server().port();
    }
}
