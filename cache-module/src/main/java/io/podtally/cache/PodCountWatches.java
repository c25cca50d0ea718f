package io.podtally.cache;

/** Opens the {@link PodCountWatch} of a cluster; a new, not yet started one per call. */
@FunctionalInterface
public interface PodCountWatches {

    PodCountWatch open(String cluster);
}
