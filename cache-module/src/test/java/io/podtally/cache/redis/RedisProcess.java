package io.podtally.cache.redis;

import java.util.List;

/** One Redis server on a fixed port of 127.0.0.1 that {@link RedisServer} launches and kills, again and again. */
interface RedisProcess {

    /** Starts an empty server on the port and waits until it answers; throws {@link IllegalStateException} if it does not. */
    void launch();

    /** Kills the server at once, if it runs. */
    void kill();

    boolean running();

    /** Kills the server for good and frees what it holds. */
    default void close() {
        kill();
    }

    /** Runs {@code redis-cli} with {@code args} against the server and returns its output. */
    String cli(List<String> args);
}
