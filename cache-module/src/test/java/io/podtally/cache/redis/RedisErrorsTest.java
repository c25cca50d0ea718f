package io.podtally.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.podtally.cache.StoreKeyException;
import io.podtally.cache.StoreUnavailableException;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.RedisSystemException;

@DisplayName("Redis failures: a refusal on one key against an outage of Redis")
class RedisErrorsTest {

    private static final String SCRIPT_ERROR = "ERR user_script:3: Script attempted to access nonexistent global "
            + "variable 'x' script: 5c1a, on @user_script:3.";
    private static final String REDISSON_SUFFIX = ". channel: [id: 0x1, L:/127.0.0.1:5 - R:/127.0.0.1:6379] "
            + "data: CommandData [command=(EVAL, script: …)]";

    private static RedisSystemException lettuce(String reply) {
        return new RedisSystemException("Error in execution", new RedisCommandExecutionException(reply));
    }

    static Stream<Arguments> keyErrors() {
        return Stream.of(
                Arguments.of("WRONGTYPE (Lettuce)", lettuce("WRONGTYPE Operation against a key holding the wrong "
                        + "kind of value"), StoreKeyException.Kind.WRONGTYPE),
                Arguments.of("NOPERM (Lettuce)", lettuce("NOPERM No permissions to access a key"),
                        StoreKeyException.Kind.NOPERM),
                Arguments.of("OOM (Lettuce)", lettuce("OOM command not allowed when used memory > 'maxmemory'."),
                        StoreKeyException.Kind.OOM),
                Arguments.of("script error (Lettuce)", lettuce(SCRIPT_ERROR), StoreKeyException.Kind.SCRIPT),
                Arguments.of("OOM (Redisson, which drops the code from the message)",
                        new org.redisson.client.RedisOutOfMemoryException(
                                " command not allowed when used memory > 'maxmemory'." + REDISSON_SUFFIX),
                        StoreKeyException.Kind.OOM),
                Arguments.of("NOPERM (Redisson)", new org.redisson.client.RedisException(
                        "NOPERM No permissions to access a key" + REDISSON_SUFFIX), StoreKeyException.Kind.NOPERM),
                Arguments.of("script error (Redisson)", new org.redisson.client.RedisException(
                        SCRIPT_ERROR + REDISSON_SUFFIX), StoreKeyException.Kind.SCRIPT));
    }

    static Stream<Arguments> outages() {
        return Stream.of(
                Arguments.of("connection refused (Lettuce)", new RedisConnectionFailureException("Unable to connect",
                        new io.lettuce.core.RedisConnectionException("Unable to connect to 127.0.0.1:1"))),
                Arguments.of("timeout (Lettuce)", new QueryTimeoutException("Redis command timed out",
                        new RedisCommandTimeoutException("Command timed out after 500 millisecond(s)"))),
                Arguments.of("connection reset (Lettuce)", new RedisSystemException("Redis exception",
                        new io.lettuce.core.RedisException(new IOException("Connection reset by peer")))),
                Arguments.of("LOADING (Lettuce)", lettuce("LOADING Redis is loading the dataset in memory")),
                Arguments.of("READONLY (Lettuce)", lettuce("READONLY You can't write against a read only replica.")),
                Arguments.of("connection refused (Redisson)",
                        new org.redisson.client.RedisConnectionException("Unable to connect to Redis server")),
                Arguments.of("timeout (Redisson)", new org.redisson.client.RedisTimeoutException(
                        "Command execution timeout for command: (EVAL)")),
                Arguments.of("LOADING (Redisson)", new org.redisson.client.RedisLoadingException(
                        "LOADING Redis is loading the dataset in memory" + REDISSON_SUFFIX)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keyErrors")
    @DisplayName("an error reply about the command's key is that key's problem, of its kind")
    void keyError(String name, RuntimeException failure, StoreKeyException.Kind kind) {
        RuntimeException translated = RedisErrors.translate("Redis write of podtally:{a}:podcounts", failure);

        assertThat(translated).isInstanceOf(StoreKeyException.class).hasCause(failure)
                .hasMessageStartingWith("Redis write of podtally:{a}:podcounts failed: ");
        assertThat(((StoreKeyException) translated).kind()).isEqualTo(kind);
        assertThat(RedisErrors.isKeyError(failure)).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outages")
    @DisplayName("a connection refused, reset or timed out, or a reply every key would get, is an outage")
    void outage(String name, RuntimeException failure) {
        assertThat(RedisErrors.translate("Redis read of podtally:{a}:podcounts", failure))
                .isInstanceOf(StoreUnavailableException.class).hasCause(failure);
        assertThat(RedisErrors.isKeyError(failure)).isFalse();
    }
}
