package io.podtally.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.podtally.cache.FreshnessState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The figures of one failover under load, from the answers {@link FailoverReplicas} recorded between the kill and
 * the moment every replica read fresh counts again; logged as one line of the table in {@code docs/reliability.md}.
 *
 * @param requests reads answered during the episode
 * @param errors reads that threw, or answered counts other than the exact ones (a 0, a lost node)
 * @param unavailable reads that answered {@code unavailable} (with the last known counts or none)
 * @param longest the longest read
 * @param failover from the SIGKILL until the new master served
 * @param freshAgain from the end of the failover until every replica read fresh, exact counts
 * @param lists pod LISTs during the episode
 */
record FailoverEpisode(String name, int requests, int errors, int unavailable, Duration longest, Duration failover,
        Duration freshAgain, int lists) {

    private static final Logger log = LoggerFactory.getLogger(FailoverEpisode.class);

    static FailoverEpisode of(String name, List<FailoverReplicas.Read> reads, Map<String, Integer> counts,
            Duration failover, Duration freshAgain, int lists) {
        int errors = (int) reads.stream()
                .filter(read -> read.error() != null || (read.counts() != null && !counts.equals(read.counts())))
                .count();
        int unavailable = (int) reads.stream().filter(read -> read.state() == FreshnessState.UNAVAILABLE).count();
        Duration longest = reads.stream().map(FailoverReplicas.Read::took).max(Duration::compareTo)
                .orElse(Duration.ZERO);
        FailoverEpisode episode = new FailoverEpisode(name, reads.size(), errors, unavailable, longest, failover, freshAgain, lists);
        log.info("Failover figures: {}", episode.row());
        reads.stream().filter(read -> read.error() != null).findFirst()
                .ifPresent(read -> log.warn("First failed read", read.error()));
        return episode;
    }

    /** {@code | name | requests | errors | unavailable | longest | failover | fresh again | LISTs |}. */
    String row() {
        return "| " + name + " | " + requests + " | " + errors + " | " + unavailable + " | " + longest.toMillis() + " ms | "
                + failover.toMillis() + " ms | " + freshAgain.toMillis() + " ms | " + lists + " |";
    }

    /** The promises: every read answered with the exact counts or none, fresh within 15 s, at most one more LIST. */
    void assertPromisesKept() {
        assertThat(requests).as("reads during the failover").isPositive();
        assertThat(errors).as("reads that failed or answered wrong counts").isZero();
        assertThat(longest).as("the longest read").isLessThan(Duration.ofSeconds(2));
        assertThat(freshAgain).as("fresh again after the failover").isLessThanOrEqualTo(Duration.ofSeconds(15));
        assertThat(lists).as("pod LISTs during the episode").isLessThanOrEqualTo(1);
    }
}
