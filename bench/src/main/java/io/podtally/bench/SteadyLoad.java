package io.podtally.bench;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.podtally.bench.load.LoadDriver;

/**
 * A light background load during a deployment's steady window, so that every replica keeps
 * reading every cluster (and so keeps its freshness rules at work) between the measured runs.
 */
final class SteadyLoad implements AutoCloseable {

    private final ScheduledExecutorService scheduler;
    private final AtomicLong sent = new AtomicLong();

    private SteadyLoad(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    static SteadyLoad start(LoadDriver driver, List<URI> targets, double rate) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "steady-load");
            thread.setDaemon(true);
            return thread;
        });
        SteadyLoad load = new SteadyLoad(scheduler);
        long period = Math.round(1e9 / rate);
        scheduler.scheduleAtFixedRate(() -> {
            long n = load.sent.getAndIncrement();
            driver.status(targets.get((int) (n % targets.size())), Deployment.GZIP, Duration.ofSeconds(30));
        }, 0, period, TimeUnit.NANOSECONDS);
        return load;
    }

    long sent() {
        return sent.get();
    }

    @Override
    public void close() throws InterruptedException {
        scheduler.shutdownNow();
        scheduler.awaitTermination(5, TimeUnit.SECONDS);
    }
}
