package io.podtally.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.podtally.cache.RefreshLock;
import io.podtally.cache.StoreUnavailableException;
import io.podtally.cache.memory.LocalRefreshLock;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("PermissionDenials")
class PermissionDenialsTest {

    private final PermissionDenials denials = new PermissionDenials();
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final AtomicReference<Optional<RefreshLock.Held>> answer = new AtomicReference<>(Optional.empty());
    private final RefreshLock lock = denials.watch((RefreshLock) cluster -> {
        RuntimeException e = failure.get();
        if (e != null) {
            throw e;
        }
        return answer.get();
    });

    private void refused(String message) {
        failure.set(new StoreUnavailableException("Taking the lock failed: wrapped",
                new IllegalStateException(message)));
        assertThatThrownBy(() -> lock.tryLock("c1")).isInstanceOf(StoreUnavailableException.class);
        failure.set(null);
    }

    @Test
    @DisplayName("a NOPERM reply is remembered from NOPERM on")
    void noperm() {
        refused("NOPERM this user has no permissions to run the 'hset' command");

        assertThat(denials.denied()).isEqualTo("NOPERM this user has no permissions to run the 'hset' command");
    }

    @Test
    @DisplayName("a refusal inside a Lua script is remembered as NOPERM, without what Redisson appends")
    void insideScript() {
        refused("ERR The user executing the script can't run this command or subcommand script: abc, on "
                + "@user_script:1.. channel: [id: 0x1] command: (EVALSHA, cached script: …)");

        assertThat(denials.denied()).isEqualTo(
                "NOPERM The user executing the script can't run this command or subcommand script: abc, on "
                        + "@user_script:1.");
    }

    @Test
    @DisplayName("other failures are no refusal")
    void otherFailure() {
        refused("Connection refused");

        assertThat(denials.denied()).isNull();
    }

    @Test
    @DisplayName("forgotten once a lock is taken, not when it is found taken")
    void clearedByAGrantedLock() {
        refused("NOPERM this user has no permissions to run the 'hincrby' command");

        assertThat(lock.tryLock("c1")).isEmpty();
        assertThat(denials.denied()).startsWith("NOPERM");

        answer.set(new LocalRefreshLock().tryLock("c1"));
        assertThat(lock.tryLock("c1")).isPresent();
        assertThat(denials.denied()).isNull();
    }
}
