package io.podtally.bench.replica;

import org.springframework.boot.SpringApplication;

/**
 * Starts one podtally replica in its own JVM. With {@code -Dbench.design=seed-original} the
 * replica counts pods synchronously inside each request (the seed's original design).
 */
public final class ReplicaMain {

    /** The property that selects the seed's original design. */
    public static final String DESIGN_PROPERTY = "bench.design";

    /** The value of {@link #DESIGN_PROPERTY} for the seed's original design. */
    public static final String SEED_ORIGINAL = "seed-original";

    // The app module is a repackaged Spring Boot jar, so the benchmark does not compile against it;
    // at run time its classes are on the class path.
    private static final String APPLICATION_CLASS = "io.podtally.app.PodtallyApplication";

    private ReplicaMain() {
    }

    public static void main(String[] args) throws ClassNotFoundException {
        Class<?> application = Class.forName(APPLICATION_CLASS);
        SpringApplication spring = SEED_ORIGINAL.equals(System.getProperty(DESIGN_PROPERTY))
                ? new SpringApplication(application, SeedOriginalConfiguration.class)
                : new SpringApplication(application);
        spring.run(args);
    }
}
