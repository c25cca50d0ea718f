package io.podtally.cache;

import java.util.Objects;

/**
 * A held lock as a store checks it in the same atomic step as a fenced write
 * ({@link PodCountStore#write(String, PodCountSnapshot, Fence)}): a holder whose lock lapsed or was taken by another
 * never writes.
 *
 * @param lock the lock's name, in the cluster's hash slot ({@code podtally:{C}:refresh-lock})
 * @param owner the holder's owner field in the lock ({@code <Redisson client id>:<thread id>} for a Redisson lock)
 */
public record Fence(String lock, String owner) {

    public Fence {
        Objects.requireNonNull(lock, "lock");
        Objects.requireNonNull(owner, "owner");
    }
}
