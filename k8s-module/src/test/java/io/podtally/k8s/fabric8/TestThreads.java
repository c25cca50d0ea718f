package io.podtally.k8s.fabric8;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The threads a test started: take {@link #live()} before, ask {@link #startedSince} after. */
final class TestThreads {

    private TestThreads() {
    }

    /** The ids of the threads alive now. */
    static Set<Long> live() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getId).collect(Collectors.toSet());
    }

    /**
     * The names, sorted, of the live threads that were not in {@code before}, without the JVM's and the test
     * tools' own (common pool, Awaitility, attach listener).
     */
    static List<String> startedSince(Set<Long> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !before.contains(t.getId()))
                .map(Thread::getName)
                .filter(name -> !name.startsWith("ForkJoinPool.commonPool") && !name.startsWith("awaitility")
                        && !name.equals("Attach Listener"))
                .sorted()
                .toList();
    }
}
