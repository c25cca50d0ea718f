package io.podtally.app.config;

import io.podtally.app.wiring.PropertyChecks;
import io.podtally.cache.PodCountSettings;
import io.podtally.k8s.PodCounterSettings;
import java.time.Duration;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How pod counts are kept fresh and how the paginated pod LIST runs. Checked here, when bound: the cache takes the
 * {@link #cacheSettings()} as they are.
 *
 * @param freshFor counts younger than this are served as they are
 * @param staleFor counts younger than this (and at least {@code fresh-for} old) are served and refreshed in the
 *     background; older counts are served flagged {@code expired} and refreshed
 * @param retention how long Redis keeps a cluster's counts after the last write (clusters that are gone)
 * @param pageSize pods per page of the LIST ({@code limit})
 * @param pageTimeout how long one page may take before the count ends partial
 * @param maxPages the most pages listed before the count ends partial ({@code max-pages} x {@code page-size} pods)
 * @param refreshDeadline how long a whole refresh may take, the write of its counts (with retries) included; keep it
 *     shorter than {@code stale-for}: counts of a list that takes longer are {@code expired} as soon as they are
 *     written (a warning at start says so)
 * @param maxRestarts how many times a {@code 410 Expired} restarts the LIST
 * @param maxRetryAfter the longest {@code Retry-After} honoured per {@code 429}
 * @param backoffInitial the wait before the first retry after a failed or partial refresh (doubles each time)
 * @param backoffMax the longest wait between retries after failed or partial refreshes
 * @param warmUp whether the configured clusters are counted in the background right after start, those asked for
 *     most recently (by any replica, within {@code retention}) first
 * @param warmUpSpread warm-up refreshes are staggered across this in warm-up order, each with a random jitter, so
 *     that replicas starting together do not all try at once
 * @param warmUpMaxClusters when set, warm-up counts only this many clusters, the first in warm-up order (those asked
 *     for most recently first, then the others in configured order); must be positive. Unset: every configured cluster
 * @param refreshThreads the most refreshes running at once in one replica (one per cluster at most; threads start on
 *     demand): a cluster whose API server stalls delays no other while fewer clusters than this refresh at once
 * @param lockWatchdogTimeout how long a cluster's refresh lock outlives a replica that died while refreshing (the
 *     lock is renewed every third of it while the refresh runs); also how long a cluster's watch lease outlives its
 *     holder
 * @param mode {@code watch}: per cluster one replica holds a watch lease, lists once, follows a pod watch and writes
 *     the counts as they change, with the paginated refresh as the fallback; {@code paginated}: the paginated refresh
 *     only. Watch mode needs {@code podtally.store=redis} (with the in-memory store it runs as {@code paginated})
 * @param watchFlush in watch mode, how often the lease holder writes the counts that changed (a burst of events
 *     becomes one write), checks that it still holds the lease and that the hash was not deleted
 * @param watchBalanceAfter in watch mode, how long a replica must have been up to count when the leases are spread:
 *     once every replica has been up this long, none holds more than ⌈C/R⌉+1 of C clusters' leases with R replicas;
 *     a replica up for less takes free leases but makes no other replica hand one over
 */
@ConfigurationProperties("podtally.podcounts")
public record PodCountProperties(
        @DefaultValue("5m") Duration freshFor,
        @DefaultValue("10m") Duration staleFor,
        @DefaultValue("24h") Duration retention,
        @DefaultValue("1000") int pageSize,
        @DefaultValue("60s") Duration pageTimeout,
        @DefaultValue("500") int maxPages,
        @DefaultValue("8m") Duration refreshDeadline,
        @DefaultValue("3") int maxRestarts,
        @DefaultValue("30s") Duration maxRetryAfter,
        @DefaultValue("30s") Duration backoffInitial,
        @DefaultValue("5m") Duration backoffMax,
        @DefaultValue("true") boolean warmUp,
        @DefaultValue("10s") Duration warmUpSpread,
        Integer warmUpMaxClusters,
        @DefaultValue("32") int refreshThreads,
        @DefaultValue("30s") Duration lockWatchdogTimeout,
        @DefaultValue("watch") Mode mode,
        @DefaultValue("500ms") Duration watchFlush,
        @DefaultValue("1m") Duration watchBalanceAfter) {

    /** Where the counts come from. */
    public enum Mode {
        /** One watch per cluster for the deployment, the paginated refresh as fallback. */
        WATCH,
        /** The paginated refresh only. */
        PAGINATED
    }

    public PodCountProperties {
        PropertyChecks.requirePositive("podtally.podcounts.fresh-for", freshFor);
        PropertyChecks.requirePositive("podtally.podcounts.stale-for", staleFor);
        PropertyChecks.requirePositive("podtally.podcounts.retention", retention);
        PropertyChecks.requirePositive("podtally.podcounts.page-timeout", pageTimeout);
        PropertyChecks.requirePositive("podtally.podcounts.refresh-deadline", refreshDeadline);
        PropertyChecks.requirePositive("podtally.podcounts.max-retry-after", maxRetryAfter);
        PropertyChecks.requirePositive("podtally.podcounts.backoff-initial", backoffInitial);
        PropertyChecks.requirePositive("podtally.podcounts.backoff-max", backoffMax);
        PropertyChecks.requireRange("podtally.podcounts.page-size", pageSize, 1, 10_000);
        PropertyChecks.requireRange("podtally.podcounts.max-pages", maxPages, 1, 100_000);
        PropertyChecks.requireRange("podtally.podcounts.max-restarts", maxRestarts, 0, 100);
        PropertyChecks.requireRange("podtally.podcounts.refresh-threads", refreshThreads, 1, 64);
        PropertyChecks.requirePositive("podtally.podcounts.lock-watchdog-timeout", lockWatchdogTimeout);
        PropertyChecks.requirePositive("podtally.podcounts.watch-flush", watchFlush);
        PropertyChecks.requirePositive("podtally.podcounts.watch-balance-after", watchBalanceAfter);
        if (warmUpSpread == null || warmUpSpread.isNegative()) {
            throw new IllegalArgumentException("podtally.podcounts.warm-up-spread must not be negative, was "
                    + warmUpSpread);
        }
        if (warmUpMaxClusters != null && warmUpMaxClusters < 1) {
            throw new IllegalArgumentException("podtally.podcounts.warm-up-max-clusters must be positive when set, was "
                    + warmUpMaxClusters);
        }
        if (staleFor.compareTo(freshFor) <= 0) {
            throw new IllegalArgumentException("podtally.podcounts.stale-for (" + staleFor
                    + ") must be longer than podtally.podcounts.fresh-for (" + freshFor + ")");
        }
        if (retention.compareTo(staleFor) < 0) {
            throw new IllegalArgumentException("podtally.podcounts.retention (" + retention
                    + ") must not be shorter than podtally.podcounts.stale-for (" + staleFor + ")");
        }
        if (refreshDeadline.compareTo(staleFor) >= 0) {
            LoggerFactory.getLogger(PodCountProperties.class).warn("podtally.podcounts.refresh-deadline ({}) is not "
                    + "shorter than podtally.podcounts.stale-for ({}): a list that takes that long writes counts that "
                    + "are expired at once", refreshDeadline, staleFor);
        }
        if (backoffMax.compareTo(backoffInitial) < 0) {
            throw new IllegalArgumentException("podtally.podcounts.backoff-max (" + backoffMax
                    + ") must not be shorter than podtally.podcounts.backoff-initial (" + backoffInitial + ")");
        }
    }

    /**
     * The cache's settings: freshness, retention, backoff, warm-up, threads and refresh deadline from here, the rest
     * its defaults.
     */
    public PodCountSettings cacheSettings() {
        return PodCountSettings.builder()
                .freshFor(freshFor)
                .staleFor(staleFor)
                .retention(retention)
                .backoffInitial(backoffInitial)
                .backoffMax(backoffMax)
                .warmUpSpread(warmUpSpread)
                .refreshThreads(refreshThreads)
                .refreshDeadline(refreshDeadline)
                .warmUpMaxClusters(warmUpMaxClusters == null ? PodCountSettings.NO_WARM_UP_LIMIT : warmUpMaxClusters)
                .build();
    }

    /** The pod counter's settings. */
    public PodCounterSettings counterSettings() {
        return new PodCounterSettings(pageSize, pageTimeout, maxPages, refreshDeadline, maxRestarts, maxRetryAfter);
    }
}
