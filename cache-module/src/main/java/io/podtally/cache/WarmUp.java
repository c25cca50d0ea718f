package io.podtally.cache;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warms the pod counts of the configured clusters up: orders them by {@link RecentClusters#lastAsked()}
 * and staggers their refreshes across {@link PodCountSettings#warmUpSpread()}.
 */
final class WarmUp {

    private static final Logger log = LoggerFactory.getLogger(WarmUp.class);

    private final ScheduledExecutorService scheduler;
    private final RecentClusters recent;
    private final PodCountSettings settings;
    private final CacheMetrics metrics;
    private final Function<String, CompletableFuture<RefreshOutcome>> refreshUnlessFresh;

    /**
     * @param scheduler runs the ordering and the staggered refreshes
     * @param refreshUnlessFresh refreshes a cluster unless it is fresh when its turn comes
     */
    WarmUp(ScheduledExecutorService scheduler, RecentClusters recent, PodCountSettings settings, CacheMetrics metrics,
            Function<String, CompletableFuture<RefreshOutcome>> refreshUnlessFresh) {
        this.scheduler = scheduler;
        this.recent = recent;
        this.settings = settings;
        this.metrics = metrics;
        this.refreshUnlessFresh = refreshUnlessFresh;
    }

    /** See {@link RefreshingPodCountCache#warmUp}. */
    CompletableFuture<Map<String, RefreshOutcome>> start(Collection<String> clusters) {
        List<String> configured = List.copyOf(new LinkedHashSet<>(clusters));
        CompletableFuture<Map<String, RefreshOutcome>> done = new CompletableFuture<>();
        try {
            scheduler.execute(() -> {
                try {
                    schedule(configured).whenComplete((outcomes, failure) -> {
                        if (failure != null) {
                            done.completeExceptionally(failure);
                        } else {
                            done.complete(outcomes);
                        }
                    });
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            Map<String, RefreshOutcome> busy = new LinkedHashMap<>();
            configured.stream().limit(settings.warmUpMaxClusters())
                    .forEach(cluster -> busy.put(cluster, RefreshOutcome.SKIPPED_BUSY));
            done.complete(busy);
        }
        return done;
    }

    /**
     * The warm-up order: the configured clusters found in {@code lastAsked}, the most recently asked
     * for first (configured order among equal times), then the other configured clusters in their
     * configured order; the first {@code max} of them.
     */
    static List<String> order(List<String> configured, Map<String, Instant> lastAsked, int max) {
        Stream<String> asked = configured.stream()
                .filter(lastAsked::containsKey)
                .sorted(Comparator.comparing((String cluster) -> lastAsked.get(cluster)).reversed());
        Stream<String> others = configured.stream().filter(cluster -> !lastAsked.containsKey(cluster));
        return Stream.concat(asked, others).limit(max).toList();
    }

    private CompletableFuture<Map<String, RefreshOutcome>> schedule(List<String> configured) {
        Map<String, Instant> lastAsked = lastAsked();
        List<String> order = order(configured, lastAsked, settings.warmUpMaxClusters());
        long recentlyAsked = order.stream().filter(lastAsked::containsKey).count();
        log.info("Warming up the pod counts of {} of {} configured clusters within {}, the {} asked for recently first",
                order.size(), configured.size(), settings.warmUpSpread(), recentlyAsked);
        return stagger(order);
    }

    /** The warm-up order of {@code clusters} (see {@link #order}), reading when each was last asked for now. */
    List<String> orderNow(Collection<String> clusters) {
        return order(List.copyOf(new LinkedHashSet<>(clusters)), lastAsked(), settings.warmUpMaxClusters());
    }

    /**
     * Refreshes {@code order} staggered across the warm-up spread in that order, each at a random point of its share,
     * unless fresh by then.
     */
    CompletableFuture<Map<String, RefreshOutcome>> stagger(List<String> order) {
        Map<String, CompletableFuture<RefreshOutcome>> outcomes = new LinkedHashMap<>();
        double share = order.isEmpty() ? 0 : (double) settings.warmUpSpread().toMillis() / order.size();
        for (int i = 0; i < order.size(); i++) {
            String cluster = order.get(i);
            CompletableFuture<RefreshOutcome> outcome = new CompletableFuture<>();
            outcomes.put(cluster, outcome);
            long delay = (long) (share * (i + ThreadLocalRandom.current().nextDouble()));
            try {
                scheduler.schedule(() -> refresh(cluster, outcome), delay, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                outcome.complete(RefreshOutcome.SKIPPED_BUSY);
            }
        }
        return CompletableFuture.allOf(outcomes.values().toArray(CompletableFuture[]::new))
                .thenApply(ignored -> {
                    Map<String, RefreshOutcome> result = new LinkedHashMap<>();
                    outcomes.forEach((cluster, outcome) -> result.put(cluster, outcome.join()));
                    return result;
                });
    }

    /** When each cluster was last asked for, as far as the store knows; empty when it cannot be read. */
    private Map<String, Instant> lastAsked() {
        try {
            return recent.lastAsked();
        } catch (StoreUnavailableException e) {
            metrics.storeError("last-asked");
            log.warn("Which clusters were asked for recently could not be read ({}); warming up in configured order",
                    e.getMessage());
            return Map.of();
        } catch (StoreKeyException e) {
            metrics.storeError("last-asked", e.kind().label());
            log.warn("Which clusters were asked for recently could not be read ({}: {}); warming up in configured order",
                    e.kind().label(), e.getMessage());
            return Map.of();
        }
    }

    private void refresh(String cluster, CompletableFuture<RefreshOutcome> outcome) {
        refreshUnlessFresh.apply(cluster).whenComplete((result, failure) -> {
            if (failure != null) {
                outcome.completeExceptionally(failure);
            } else {
                outcome.complete(result);
            }
        });
    }
}
