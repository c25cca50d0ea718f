package io.podtally.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import io.podtally.bench.load.LatencySummary;

/** Everything one run measured, in the order it was measured. */
final class Results {

    final List<Cold> cold = Collections.synchronizedList(new ArrayList<>());
    final List<Load> load = Collections.synchronizedList(new ArrayList<>());
    final List<ListSequences> listSequences = Collections.synchronizedList(new ArrayList<>());
    final List<ReplicaCpu> replicaCpu = Collections.synchronizedList(new ArrayList<>());
    final List<ResponseBytes> responseBytes = Collections.synchronizedList(new ArrayList<>());
    final List<ClientCost> clientCost = Collections.synchronizedList(new ArrayList<>());
    final List<HeapHeld> heap = Collections.synchronizedList(new ArrayList<>());
    final List<Microbenchmark> microbenchmarks = Collections.synchronizedList(new ArrayList<>());
    final List<Profile> profiles = Collections.synchronizedList(new ArrayList<>());
    final List<String> notes = Collections.synchronizedList(new ArrayList<>());

    /**
     * Cold first responses after a cluster switch (counts invalidated, then one request).
     *
     * @param samples time to the last byte of each first response
     * @param states the {@code pod_counts.state} of each first response
     * @param nullCounts nodes answered with {@code pod_count: null}, per response
     * @param zeroCounts nodes answered with {@code pod_count: 0}, per response
     * @param nodes nodes in each response
     */
    record Cold(Design design, int replicas, String cluster, List<Duration> samples, List<String> states,
            List<Integer> nullCounts, List<Integer> zeroCounts, List<Integer> nodes) {
    }

    /**
     * One load run.
     *
     * @param scenario what was asked for, e.g. {@code incident} or {@code large page_size=100}
     * @param kind {@code fixed} (open loop at {@code rate}) or {@code saturation} (closed loop)
     * @param rate requests per second over all replicas (fixed) or concurrent clients (saturation)
     */
    record Load(Environment.Phase phase, Design design, int replicas, String scenario, String kind, double rate, Duration timeout,
            LatencySummary summary) {
    }

    /**
     * Pod LIST sequences the API server received during a stretch of a deployment's run.
     *
     * @param during which stretch
     * @param freshFor the replicas' fresh-for
     * @param requests node-list requests sent during the stretch (0 when not counted)
     */
    record ListSequences(Environment.Phase phase, Design design, int replicas, String cluster, String during,
            Duration window, long sequences, long pages, Duration freshFor, long requests) {

        /** Sequences per 10 minutes at the production freshness (5 min), scaled from the shortened window. */
        double per10MinutesScaled() {
            double windowSeconds = window.toMillis() / 1000.0;
            return sequences * (600.0 / windowSeconds) * (freshFor.toMillis() / 300_000.0);
        }

        /** Sequences per 10 minutes at the freshness as run. */
        double per10MinutesRaw() {
            return sequences * 600.0 / (window.toMillis() / 1000.0);
        }
    }

    /** CPU time used by the replicas of one deployment during its steady window. */
    record ReplicaCpu(Environment.Phase phase, Design design, int replicas, Duration window, Duration cpu) {
    }

    /** Bytes of one node-list response. */
    record ResponseBytes(String cluster, String query, int nodes, long identityBytes, long gzipBytes,
            String contentEncoding) {
    }

    /**
     * Client cost of one pod count during a refresh.
     *
     * @param approach how the pods were counted, or which floor ({@code ClientCostMain.Approach#label()})
     * @param pods pods listed
     * @param pages pages listed
     * @param cpu CPU time of the client JVM's Java threads
     * @param allocatedBytes bytes allocated by the client's threads
     * @param wallMillis how long the count took
     * @param processCpu CPU time of the whole client JVM (with JIT compiler and GC threads)
     * @param gcMillis time the client JVM spent in GC
     */
    record ClientCost(String cluster, String approach, long pods, int pages, Duration cpu, long allocatedBytes,
            long wallMillis, Duration processCpu, long gcMillis) {

        double processCpuMicrosPerPod() {
            return pods == 0 ? 0 : processCpu.toNanos() / 1000.0 / pods;
        }

        double cpuMicrosPerPod() {
            return pods == 0 ? 0 : cpu.toNanos() / 1000.0 / pods;
        }

        double bytesPerPod() {
            return pods == 0 ? 0 : (double) allocatedBytes / pods;
        }
    }

    /** Heap a replica holds for one cluster. */
    record HeapHeld(String cluster, String what, long bytes, String method) {
    }

    /**
     * A CPU profile of one replica during one run.
     *
     * @param samples execution samples
     * @param components samples per component (first known frame from the top of the stack)
     * @param methods samples per top-of-stack method
     */
    record Profile(String replica, String scenario, int samples, List<Map.Entry<String, Integer>> components,
            List<Map.Entry<String, Integer>> methods) {
    }

    /** One JMH result. */
    record Microbenchmark(String benchmark, String params, double score, double error, String unit,
            double allocBytesPerOp) {
    }
}
