package io.podtally.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.podtally.cache.RefreshingPodCountCache;
import io.podtally.cache.redis.RedisNode;
import io.podtally.k8s.sim.RequestKind;
import io.podtally.k8s.sim.SimulatedCluster;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A SIGKILL of the Redis master under steady HTTP load from three running replicas of one simulated cluster, the
 * same promises for every Redis set-up with failover: each implementation starts its servers, gives the replicas
 * their {@code spring.data.redis.*} properties through {@link #deployment(Map)}, and kills and awaits the master
 * that holds the cluster's keys. Each run logs its figures as {@code HTTP failover figures: | … |}, a row of the
 * table in {@code docs/reliability.md}.
 */
abstract class RedisFailoverHttpContract {

    static final String CLUSTER = "failover";

    private static final Logger log = LoggerFactory.getLogger(RedisFailoverHttpContract.class);
    private static final String NODES = "/api/v1/nodes?cluster_name=" + CLUSTER;
    private static final String REFRESH = "/api/v1/admin/clusters/" + CLUSTER + "/pod-counts/refresh";
    private static final String ADMIN_TOKEN = "failover-admin";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration FRESH_AGAIN = Duration.ofSeconds(15);
    private static final Duration ANSWER_LIMIT = Duration.ofSeconds(3);
    private static final Duration LIST_STARTS = Duration.ofSeconds(5);
    private static final int REFRESH_ATTEMPTS = 5;

    /**
     * Three replicas of one simulated cluster on the Redis of {@code redisProperties}, without the warm-up (its
     * refreshes would overlap the admin refreshes). A pod LIST takes five pages of 400 ms, so admin refreshes asked
     * of every replica at once overlap.
     */
    static PodtallyDeployment deployment(Map<String, String> redisProperties) {
        PodtallyDeployment deployment = PodtallyDeployment.inMemory()
                .cluster(CLUSTER, SimulatedCluster.builder().nodes(6).activePods(90).seed(41)
                        .pageLatency(Duration.ofMillis(400)))
                .replicas(3)
                .property("podtally.store", "redis")
                .property("podtally.podcounts.warm-up", "false")
                .property("podtally.podcounts.page-size", "20")
                .property("podtally.admin.token", ADMIN_TOKEN);
        redisProperties.forEach(deployment::property);
        return deployment;
    }

    /** The deployment of the implementation, registered as its static extension. */
    abstract PodtallyDeployment deployment();

    /** The set-up, as the figures name it. */
    abstract String name();

    /** Waits until the master's replica holds every write the master took so far. */
    abstract void awaitReplicated();

    /** SIGKILLs the master that holds the cluster's keys. */
    abstract RedisNode killMaster();

    /** Waits until another node serves as master for the cluster's keys. */
    abstract void awaitFailover(RedisNode killed, Duration atMost);

    @Test
    @DisplayName("three replicas under HTTP load through a SIGKILL of the master: every answer 200 and quick, no 0 "
            + "for a node with pods, fresh and exact again within 15 s, at most one more LIST, then one admin "
            + "refresh asked of every replica lists once and every replica serves its generation")
    void masterKilledUnderLoad() throws InterruptedException {
        List<Replica> replicas = deployment().replicas();
        SimulatedCluster sim = deployment().cluster();
        Map<String, Integer> exact = exactCounts(sim);
        long generation = awaitFreshAndExact(replicas, exact);
        awaitReplicated();

        long loaded = System.nanoTime();
        NodeListLoad load = NodeListLoad.start(replicas, NODES);
        long killed;
        long failedOver;
        long freshAgain;
        long lists;
        int attempts;
        try {
            await().atMost(WAIT).until(() -> freshFirstAnswers(load, loaded, exact).size() == replicas.size());
            long listsBefore = listSequences(sim);
            killed = System.nanoTime();
            RedisNode master = killMaster();
            awaitFailover(master, WAIT);
            failedOver = System.nanoTime();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
                    .until(() -> freshFirstAnswers(load, failedOver, exact).size() == replicas.size());
            freshAgain = freshFirstAnswers(load, failedOver, exact).values().stream()
                    .mapToLong(NodeListLoad.Answer::ended).max().orElseThrow();
            lists = listSequences(sim) - listsBefore;
            attempts = refreshOnceAcross(replicas, sim, exact, generation, load);
        } finally {
            load.stop();
        }

        List<NodeListLoad.Answer> answers = load.since(killed);
        Figures figures = Figures.of(name(), answers, load.since(freshAgain), Duration.ofNanos(failedOver - killed),
                Duration.ofNanos(freshAgain - failedOver), lists, attempts);
        log.info("HTTP failover figures: {}", figures.row());
        answers.stream().filter(answer -> answer.error() != null).findFirst()
                .ifPresent(answer -> log.warn("First failed answer: {} {}", answer.status(), answer.error()));

        assertThat(answers).as("answers from the SIGKILL on").isNotEmpty()
                .allSatisfy(answer -> assertThat(answer.status()).as("status, %s", answer.error()).isEqualTo(200));
        assertThat(answers).as("answers with a 0 for a node with pods")
                .noneMatch(answer -> answer.zeroForNodeWithPods(exact));
        assertThat(answers).as("answers whose counts are not the exact ones (a count or a node lost)")
                .allMatch(answer -> answer.countsServedAreExact(exact));
        assertThat(figures.longest()).as("the longest answer").isLessThan(ANSWER_LIMIT);
        assertThat(figures.freshAgain()).as("fresh and exact again after the failover")
                .isLessThanOrEqualTo(FRESH_AGAIN);
        assertThat(figures.lists()).as("pod LISTs from the SIGKILL until fresh again").isLessThanOrEqualTo(1);
    }

    /** Each replica's first answer, fresh and exact, to a request made from {@code nanos} on. */
    private static Map<Integer, NodeListLoad.Answer> freshFirstAnswers(NodeListLoad load, long nanos,
            Map<String, Integer> exact) {
        Map<Integer, NodeListLoad.Answer> first = new HashMap<>();
        load.since(nanos).stream().filter(answer -> answer.freshAndExact(exact))
                .forEach(answer -> first.merge(answer.replica(), answer,
                        (a, b) -> a.ended() - b.ended() <= 0 ? a : b));
        return first;
    }

    /**
     * Asks every replica at once for an admin refresh until one LIST starts (a refresh that meets a client not yet
     * on the new master ends {@code unavailable} without listing), waits until every replica serves the new
     * generation, fresh and exact, and has no refresh left, and checks that only one replica listed.
     *
     * @return the attempts needed
     */
    private static int refreshOnceAcross(List<Replica> replicas, SimulatedCluster sim, Map<String, Integer> exact,
            long generation, NodeListLoad load) {
        List<RefreshingPodCountCache> caches = replicas.stream()
                .map(replica -> replica.bean(RefreshingPodCountCache.class)).toList();
        for (int attempt = 1; attempt <= REFRESH_ATTEMPTS; attempt++) {
            await().atMost(WAIT).until(() -> caches.stream().allMatch(cache -> cache.refreshesInFlight() == 0));
            long lists = listSequences(sim);
            long asked = System.nanoTime();
            CompletableFuture.allOf(replicas.stream().map(replica -> CompletableFuture.runAsync(() -> assertThat(
                    replica.api().post(REFRESH, "Authorization", "Bearer " + ADMIN_TOKEN).statusCode())
                    .isEqualTo(202))).toArray(CompletableFuture[]::new)).join();
            try {
                await().atMost(LIST_STARTS).pollInterval(Duration.ofMillis(50)).until(() -> listSequences(sim) > lists);
            } catch (ConditionTimeoutException notListed) {
                log.info("Admin refresh attempt {} listed nothing within {}; asking again", attempt, LIST_STARTS);
                continue;
            }
            await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> replicas.size() == load.since(asked)
                    .stream().filter(answer -> answer.freshAndExact(exact) && answer.generation() > generation)
                    .map(NodeListLoad.Answer::replica).distinct().count());
            await().atMost(WAIT).until(() -> caches.stream().allMatch(cache -> cache.refreshesInFlight() == 0));
            assertThat(listSequences(sim) - lists).as("pod LISTs of one admin refresh asked of every replica")
                    .isEqualTo(1);
            return attempt;
        }
        throw new AssertionError("no admin refresh listed in " + REFRESH_ATTEMPTS + " attempts: the lock is stuck");
    }

    private static long awaitFreshAndExact(List<Replica> replicas, Map<String, Integer> exact) {
        Map<Integer, Long> generations = new HashMap<>();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            for (int i = 0; i < replicas.size(); i++) {
                NodeListLoad.Answer answer = NodeListLoad.ask(i, replicas.get(i).api(), NODES);
                assertThat(answer.freshAndExact(exact)).as("replica %d fresh and exact: %s", i, answer).isTrue();
                generations.put(i, answer.generation());
            }
            assertThat(generations.values()).as("every replica serves one generation").containsOnly(
                    generations.get(0));
        });
        return generations.get(0);
    }

    private static Map<String, Integer> exactCounts(SimulatedCluster sim) {
        Map<String, Integer> byNode = sim.activePodsByNode();
        Map<String, Integer> exact = new HashMap<>();
        sim.nodeNames().forEach(node -> exact.put(node, byNode.getOrDefault(node, 0)));
        assertThat(exact.values()).as("nodes with pods").anyMatch(count -> count > 0);
        return Map.copyOf(exact);
    }

    private static long listSequences(SimulatedCluster sim) {
        return sim.requestCounts().get(RequestKind.POD_LIST_SEQUENCES);
    }

    /**
     * The figures of one run.
     *
     * @param requests node-list requests answered from the SIGKILL until the admin refresh was seen everywhere
     * @param non200 those not answered 200
     * @param unavailable those answered with {@code pod_counts.state} {@code unavailable}
     * @param unavailableAfterFresh those of them asked once every replica was fresh again (a lock attempt that
     *     met a client not yet on the new master opens the store's circuit breaker of that replica)
     * @param longest the longest answer
     * @param failover from the SIGKILL until the new master served
     * @param freshAgain from the end of the failover until every replica answered fresh, exact counts
     * @param lists pod LISTs from the SIGKILL until fresh again
     * @param refreshAttempts admin refreshes asked of every replica until one listed
     */
    record Figures(String name, int requests, int non200, int unavailable, int unavailableAfterFresh,
            Duration longest, Duration failover, Duration freshAgain, long lists, int refreshAttempts) {

        static Figures of(String name, List<NodeListLoad.Answer> answers, List<NodeListLoad.Answer> afterFresh,
                Duration failover, Duration freshAgain, long lists, int refreshAttempts) {
            return new Figures(name, answers.size(),
                    (int) answers.stream().filter(answer -> answer.status() != 200).count(),
                    unavailable(answers), unavailable(afterFresh),
                    answers.stream().map(NodeListLoad.Answer::took).max(Duration::compareTo).orElse(Duration.ZERO),
                    failover, freshAgain, lists, refreshAttempts);
        }

        private static int unavailable(List<NodeListLoad.Answer> answers) {
            return (int) answers.stream().filter(answer -> "unavailable".equals(answer.state())).count();
        }

        /**
         * {@code | name | requests | non-200 | unavailable | of them after fresh again | longest | failover |
         * fresh again | LISTs | attempts |}.
         */
        String row() {
            return "| " + name + " | " + requests + " | " + non200 + " | " + unavailable + " | "
                    + unavailableAfterFresh + " | " + longest.toMillis()
                    + " ms | " + failover.toMillis() + " ms | " + freshAgain.toMillis() + " ms | " + lists + " | "
                    + refreshAttempts + " |";
        }
    }
}
