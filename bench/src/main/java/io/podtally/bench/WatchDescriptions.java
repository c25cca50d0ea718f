package io.podtally.bench;

/** What each part of {@link WatchModeBenchmark} measures, as the section says it. */
final class WatchDescriptions {

    static final String LATENCY = "Three replicas in watch mode (JVMs of their own, -Xmx1g, production defaults:"
            + " `watch-flush` 500 ms) share one redis-server and the simulated incident cluster (104 nodes, 100 ms a"
            + " pod page). One pod is added or deleted at a time on a random node; the latency of a change runs from"
            + " the simulated API server's write of the watch event to the first answer of"
            + " `GET /api/v1/nodes?cluster_name=incident&name=<node>` of each replica that shows the new count, every"
            + " replica polled every " + WatchLatency.POLL_MS + " ms (so a figure can be up to that much late). The"
            + " next change follows once every replica showed it, after 100–400 ms.";

    static final String LOAD = "Two deployments of three replicas run at the same time, each with its own"
            + " simulated incident cluster (same size and seed, 104 nodes / 2,613 active pods, 100 ms a page) and its"
            + " own redis-server: one in watch mode, one in paginated mode, every other setting at its production"
            + " default (`fresh-for` 5 min, `stale-for` 10 min, pages of 1000). Both get the same churn (one pod"
            + " added or deleted a second) and the same readers (one node-list request a second, to each replica in"
            + " turn). Counted by the simulated API servers from just before the replicas start to the end of the"
            + " period.";

    static final String HEAP = "One replica, alone on its redis-server and serving only the simulated large cluster"
            + " (5,000 nodes), in paginated mode with its counts loaded, then the same replica in watch mode as the"
            + " lease holder with its counts loaded from the watch: used heap (`jvm.memory.used`, area heap) after two"
            + " full collections asked with `jcmd <pid> GC.run`, median of three readings. The watch's bytes per pod"
            + " are the difference divided by the active pods. The baseline is fabric8's default pod informer"
            + " (`pods().inAnyNamespace().withLimit(1000).inform()`, full `Pod` objects, about 5.5 kB of JSON each from the simulated server; it did not sync within a 4 GiB heap) on the same cluster in a JVM of its own:"
            + " used heap after `System.gc()` with the informer synced, minus before the client was built, divided"
            + " by the pods it holds.";

    static final String COST = "The latency deployment (three replicas in watch mode), nobody asking for nodes:"
            + " an idle phase, then pod events at 100 and at 1,000 a second (adds and deletes of Running pods across"
            + " the nodes, sent every 10 ms), each phase as long as the idle one, after an unreported warm-up phase at 1,000 a second. The holder's CPU is its process CPU"
            + " time (user + system, `ProcessHandle`), per event above the idle phase's rate; Redis bytes are the"
            + " delta of `total_net_input_bytes` of `INFO stats` (every byte all replicas sent it: the holder's"
            + " writes and events, every replica's heartbeats). Writes are the holder's `podtally.watch.writes`.";

    private WatchDescriptions() {
    }
}
