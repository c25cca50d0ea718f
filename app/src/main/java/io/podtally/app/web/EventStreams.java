package io.podtally.app.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The open event streams of this replica. Streams hold no thread: each is a Servlet async {@link SseEmitter}, and
 * two shared threads poll the watched clusters, fan changes out and send the heartbeats. Changes come from a
 * {@link NodeListChangeDetector}; each is numbered, kept in its cluster's {@link EventRing} and sent to the cluster's
 * streams. Stops before the web server's graceful shutdown and completes every stream, so clients reconnect to
 * another replica at once.
 *
 * <p>The container does not notice a client that left an idle stream; a write does. So the heartbeats find such
 * streams and free their slots, and a stream refused for want of a slot sends a heartbeat to every open stream at
 * once, twice (the first write to a connection the client closed still succeeds), at most once per
 * {@link #SWEEP_GAP}.
 */
final class EventStreams implements SmartLifecycle {

    static final String CHANGE = "change";
    static final String STATE = "state";
    static final String RESET = "reset";

    private static final Logger log = LoggerFactory.getLogger(EventStreams.class);
    private static final MediaType UTF8_TEXT = new MediaType("text", "plain", StandardCharsets.UTF_8);
    private static final NodeQuery UNFILTERED = NodeQuery.parse(Map.of(), 1);
    private static final Duration SWEEP_GAP = Duration.ofSeconds(1);
    private static final Duration SWEEP_SECOND_WRITE = Duration.ofMillis(200);

    private final Settings settings;
    private final JsonMapper json;
    private final String replica;
    private final NodeListChangeDetector detector;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong lastSweep = new AtomicLong(System.nanoTime() - SWEEP_GAP.toNanos());
    private final AtomicInteger open = new AtomicInteger();
    private final Map<String, ClusterStreams> clusters = new ConcurrentHashMap<>();
    private volatile ScheduledExecutorService scheduler;
    private volatile boolean running;

    /**
     * How streams behave.
     *
     * @param maxStreams the most streams open at once
     * @param heartbeat the time between two heartbeat comments
     * @param poll the time between two checks of every watched cluster
     * @param linger how long a cluster stays watched after its last stream closed
     * @param ringCapacity the recent events kept per cluster for resuming
     * @param reconnect the reconnection delay sent to clients
     */
    record Settings(int maxStreams, Duration heartbeat, Duration poll, Duration linger, int ringCapacity,
            Duration reconnect) {
    }

    EventStreams(Settings settings, Function<String, NodeListVersion> versions, JsonMapper json, String replica) {
        this.settings = settings;
        this.json = json;
        this.replica = replica;
        this.detector = new NodeListChangeDetector(versions, this::publish, settings.linger(), System::nanoTime);
    }

    /** The result of {@link #open}: the stream, or why there is none. */
    sealed interface Opened {
        record Stream(SseEmitter emitter) implements Opened {
        }

        record Full() implements Opened {
        }

        record Closed() implements Opened {
        }
    }

    /**
     * Opens a stream of {@code cluster}'s changes. Its first events: on a new stream one {@code state}; resuming this
     * replica's {@code lastEventId}, the events after it; resuming one this replica cannot replay, nothing when the
     * client's tag is current, else one {@code reset}.
     */
    Opened open(String cluster, String lastEventId) {
        if (!running) {
            return new Opened.Closed();
        }
        if (open.incrementAndGet() > settings.maxStreams()) {
            open.decrementAndGet();
            sweep();
            return new Opened.Full();
        }
        SseEmitter emitter = new SseEmitter(0L);
        Stream stream = new Stream(cluster, emitter);
        emitter.onCompletion(() -> closed(stream));
        emitter.onTimeout(() -> closed(stream));
        emitter.onError(failure -> closed(stream));
        ClusterStreams streams = clusters.computeIfAbsent(cluster, name -> new ClusterStreams(
                new EventRing(settings.ringCapacity(), sequence.get())));
        synchronized (streams) {
            if (detector.watch(cluster)) {
                streams.ring.restart(sequence.get());
            }
            streams.open.add(stream);
            NodeListVersion version = detector.current(cluster).orElseThrow();
            for (StreamEvent event : firstEvents(streams.ring, lastEventId, version)) {
                stream.send(event);
            }
        }
        log.debug("event stream opened cluster={} open={} resume={}", cluster, open.get(), lastEventId);
        return new Opened.Stream(emitter);
    }

    private List<StreamEvent> firstEvents(EventRing ring, String lastEventId, NodeListVersion version) {
        if (lastEventId == null || lastEventId.isBlank()) {
            return List.of(event(STATE, ring.head(), List.of(), version));
        }
        Optional<EventToken> token = EventToken.parse(lastEventId);
        if (token.isPresent() && token.get().replica().equals(replica)) {
            Optional<List<StreamEvent>> missed = ring.after(token.get().sequence());
            if (missed.isPresent()) {
                return missed.get();
            }
        }
        if (token.isPresent() && token.get().tag().equals(tagOf(version))) {
            return List.of();
        }
        return List.of(event(RESET, ring.head(), List.of(), version));
    }

    /** Asks for a check of {@code cluster} now, on the shared threads: something may have changed. */
    void signal(String cluster) {
        execute(() -> detector.check(cluster), 0, "change signal for " + cluster);
    }

    private void execute(Runnable task, long delayMillis, String what) {
        ScheduledExecutorService current = scheduler;
        if (current == null) {
            return;
        }
        try {
            current.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("event streams stopped; {} dropped", what);
        }
    }

    /** Writes a heartbeat to every open stream now and again shortly after, to free the slots of clients gone. */
    private void sweep() {
        long last = lastSweep.get();
        long now = System.nanoTime();
        if (now - last < SWEEP_GAP.toNanos() || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        log.debug("event streams full ({}): looking for closed connections", open.get());
        execute(this::heartbeat, 0, "sweep");
        execute(this::heartbeat, SWEEP_SECOND_WRITE.toMillis(), "sweep");
    }

    /** The streams open now. */
    int openStreams() {
        return open.get();
    }

    private void publish(NodeListChange change) {
        String cluster = change.version().cluster();
        ClusterStreams streams = clusters.get(cluster);
        if (streams == null) {
            return;
        }
        StreamEvent event;
        List<Stream> targets;
        synchronized (streams) {
            event = event(CHANGE, sequence.incrementAndGet(), change.changed(), change.version());
            streams.ring.add(event);
            targets = List.copyOf(streams.open);
        }
        log.debug("node list of {} changed: {} (streams={})", cluster, change.changed(), targets.size());
        for (Stream stream : targets) {
            stream.send(event);
        }
    }

    private StreamEvent event(String name, long seq, List<String> changed, NodeListVersion version) {
        String etag = version.etag(UNFILTERED);
        EventData data = new EventData(version.cluster(), changed, etag, version.nodeCount(), version.informerState(),
                new EventPodCounts(version.podCountState().label(), version.generation(),
                        version.fetchedAt() == null ? null : version.fetchedAt().toString()),
                Responses.label(version.metricsState()));
        String id = new EventToken(replica, seq, EventToken.tagOf(etag)).toString();
        return new StreamEvent(seq, name, id, json.writeValueAsString(data));
    }

    private static String tagOf(NodeListVersion version) {
        return EventToken.tagOf(version.etag(UNFILTERED));
    }

    private void heartbeat() {
        for (ClusterStreams streams : clusters.values()) {
            for (Stream stream : List.copyOf(streams.open)) {
                stream.heartbeat();
            }
        }
    }

    private void closed(Stream stream) {
        if (!stream.closed.compareAndSet(false, true)) {
            return;
        }
        ClusterStreams streams = clusters.get(stream.cluster);
        if (streams != null) {
            synchronized (streams) {
                streams.open.remove(stream);
            }
        }
        detector.release(stream.cluster);
        open.decrementAndGet();
        log.debug("event stream closed cluster={} open={}", stream.cluster, open.get());
    }

    @Override
    public void start() {
        ScheduledExecutorService started = Executors.newScheduledThreadPool(2, daemonThreads());
        long poll = settings.poll().toMillis();
        long heartbeat = settings.heartbeat().toMillis();
        started.scheduleWithFixedDelay(this::checkAll, poll, poll, TimeUnit.MILLISECONDS);
        started.scheduleWithFixedDelay(this::heartbeat, heartbeat, heartbeat, TimeUnit.MILLISECONDS);
        scheduler = started;
        running = true;
    }

    private void checkAll() {
        try {
            detector.checkAll();
        } catch (RuntimeException e) {
            log.warn("Checking the watched clusters for changes failed", e);
        }
    }

    /** Refuses new streams and completes the open ones; their clients reconnect elsewhere. */
    @Override
    public void stop() {
        running = false;
        ScheduledExecutorService current = scheduler;
        scheduler = null;
        if (current != null) {
            current.shutdownNow();
        }
        int completed = 0;
        for (ClusterStreams streams : clusters.values()) {
            List<Stream> all;
            synchronized (streams) {
                all = List.copyOf(streams.open);
            }
            for (Stream stream : all) {
                stream.emitter.complete();
                completed++;
            }
        }
        log.info("Event streams stopped; {} open streams completed", completed);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "podtally-events-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private final class Stream {

        private final String cluster;
        private final SseEmitter emitter;
        private final AtomicBoolean closed = new AtomicBoolean();
        private volatile boolean retrySent;

        Stream(String cluster, SseEmitter emitter) {
            this.cluster = cluster;
            this.emitter = emitter;
        }

        void send(StreamEvent event) {
            SseEmitter.SseEventBuilder builder = SseEmitter.event();
            if (!retrySent) {
                retrySent = true;
                builder.reconnectTime(settings.reconnect().toMillis());
            }
            write(builder.id(event.id()).name(event.name()).data(event.data(), UTF8_TEXT));
        }

        void heartbeat() {
            write(SseEmitter.event().comment("heartbeat"));
        }

        private void write(SseEmitter.SseEventBuilder builder) {
            if (closed.get()) {
                return;
            }
            try {
                emitter.send(builder);
            } catch (IOException | IllegalStateException e) {
                // the container reports the broken connection to the emitter itself; only the count is ours
                log.debug("event stream of {} ended: {}", cluster, e.toString());
                closed(this);
            }
        }
    }

    private static final class ClusterStreams {

        private final EventRing ring;
        private final Set<Stream> open = ConcurrentHashMap.newKeySet();

        ClusterStreams(EventRing ring) {
            this.ring = ring;
        }
    }

    private record EventData(String cluster, List<String> changed, String etag,
            @JsonProperty("node_count") int nodeCount, String informer,
            @JsonProperty("pod_counts") EventPodCounts podCounts, String metrics) {
    }

    private record EventPodCounts(String state, long generation, @JsonProperty("fetched_at") String fetchedAt) {
    }
}
