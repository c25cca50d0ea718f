package io.podtally.app.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The bytes of node-list answers, plain and gzipped, put together from runs of consecutive nodes kept across answers:
 * each run's JSON and its deflated form. Building an answer again whose nodes did not change (its pod-count ages moved
 * on, or its envelope) serializes and compresses the envelope alone; a node whose count, usage or age changed costs
 * the serialization and compression of its run and of the run after it.
 *
 * <p>The plain bytes are those Jackson writes for the whole answer. The gzip form is one deflate stream: the envelope's
 * head, each run compressed on its own and ended with a sync flush (so that it ends on a byte boundary and can be
 * followed by anything), and the envelope's tail. A run is compressed with the last 16 KB of the plain bytes of the
 * run before it as its dictionary, which are also the last bytes a decoder has in its window there, so runs compress
 * nearly as well as the whole list at once. Bounded by total bytes; runs nobody used for {@link #EXPIRE_AFTER_ACCESS}
 * are dropped.
 */
@Component
final class NodeListWriter {

    /** Nodes per run: the unit of serialization and compression kept across answers. */
    static final int RUN_NODES = 32;
    static final long MAX_BYTES = 64L * 1024 * 1024;
    static final Duration EXPIRE_AFTER_ACCESS = Duration.ofMinutes(2);
    /** How much of the run before is a run's dictionary: most of what a 32 KB window gains, at less cost. */
    private static final int WINDOW = 16 * 1024;
    private static final byte[] EMPTY_DATA = "\"data\":[]".getBytes(StandardCharsets.UTF_8);
    private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    /**
     * A run's nodes, those of the run before it, whose plain bytes are its dictionary ({@code null} for the run that
     * opens the list, which has no comma before it either), and whether that run before opens the list (its bytes have
     * no comma then): a run is compressed again when the bytes before it changed, not when the run before was only
     * compressed again itself.
     */
    private static final class RunKey {

        private final List<NodeInfo> nodes;
        private final int nodesHash;
        private final List<NodeInfo> before;
        private final int beforeHash;
        private final boolean beforeOpens;
        private final int hash;

        RunKey(List<NodeInfo> nodes, RunKey previous) {
            this(nodes, nodes.hashCode(), previous == null ? null : previous.nodes,
                    previous == null ? 0 : previous.nodesHash, previous != null && previous.first());
        }

        private RunKey(List<NodeInfo> nodes, int nodesHash, List<NodeInfo> before, int beforeHash,
                boolean beforeOpens) {
            this.nodes = nodes;
            this.nodesHash = nodesHash;
            this.before = before;
            this.beforeHash = beforeHash;
            this.beforeOpens = beforeOpens;
            this.hash = (nodesHash * 31 + beforeHash) * 31 + Boolean.hashCode(beforeOpens);
        }

        boolean first() {
            return before == null;
        }

        /** This key with its own copies of the nodes, not views of a whole list. */
        RunKey kept() {
            return new RunKey(List.copyOf(nodes), nodesHash, before == null ? null : List.copyOf(before), beforeHash,
                    beforeOpens);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof RunKey key && nodesHash == key.nodesHash && beforeHash == key.beforeHash
                    && beforeOpens == key.beforeOpens && (before == null) == (key.before == null)
                    && nodes.equals(key.nodes) && (before == null || before.equals(key.before));
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /**
     * A run's JSON (with the comma before it, unless it opens the list) and its deflated form, {@code null} until a
     * gzip answer needed it.
     */
    private record Run(byte[] plain, byte[] deflated) {

        int weight() {
            return plain.length + (deflated == null ? 0 : deflated.length) + 64;
        }
    }

    /** The answer's JSON around its nodes: up to and with {@code "data":[}, and from the {@code ]} after them. */
    private record Envelope(byte[] head, byte[] tail) {
    }

    private final JsonMapper json;
    private final Cache<RunKey, Run> runs;
    private final Counter reused;
    private final Counter built;

    NodeListWriter(JsonMapper json, MeterRegistry meters) {
        this.json = json;
        this.runs = Caffeine.newBuilder()
                .maximumWeight(MAX_BYTES)
                .weigher((RunKey key, Run run) -> run.weight())
                .expireAfterAccess(EXPIRE_AFTER_ACCESS)
                .build();
        this.reused = runs(meters, "reused");
        this.built = runs(meters, "built");
    }

    private static Counter runs(MeterRegistry meters, String result) {
        return Counter.builder("podtally.api.rendered.runs")
                .description("Runs of " + RUN_NODES + " nodes put into node-list answers: reused from an earlier "
                        + "answer, or built (serialized and compressed) for this one")
                .tag("result", result)
                .register(meters);
    }

    /** The answer's JSON. */
    byte[] plain(Responses.NodeList list) {
        Envelope envelope = envelope(list);
        List<Run> parts = runs(list.data(), null);
        int size = envelope.head().length + envelope.tail().length;
        for (Run run : parts) {
            size += run.plain().length;
        }
        byte[] out = new byte[size];
        int at = put(out, 0, envelope.head());
        for (Run run : parts) {
            at = put(out, at, run.plain());
        }
        put(out, at, envelope.tail());
        return out;
    }

    /** The answer's JSON, gzipped. */
    byte[] gzip(Responses.NodeList list) {
        Envelope envelope = envelope(list);
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            List<Run> parts = runs(list.data(), deflater);
            CRC32 crc = new CRC32();
            long size = envelope.head().length + envelope.tail().length;
            int compressed = 0;
            for (Run run : parts) {
                size += run.plain().length;
                compressed += run.deflated().length;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(GZIP_HEADER.length + compressed + 512);
            out.writeBytes(GZIP_HEADER);
            out.writeBytes(deflate(deflater, envelope.head(), null, false));
            crc.update(envelope.head());
            for (Run run : parts) {
                out.writeBytes(run.deflated());
                crc.update(run.plain());
            }
            byte[] last = parts.isEmpty() ? envelope.head() : parts.get(parts.size() - 1).plain();
            out.writeBytes(deflate(deflater, envelope.tail(), last, true));
            crc.update(envelope.tail());
            writeIntLittleEndian(out, (int) crc.getValue());
            writeIntLittleEndian(out, (int) size);
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    /**
     * Each run of the nodes, kept from an earlier answer or built now; with its deflated form, made now with
     * {@code deflater} where it is missing, unless that is {@code null}.
     */
    private List<Run> runs(List<NodeInfo> nodes, Deflater deflater) {
        List<Run> parts = new ArrayList<>(nodes.size() / RUN_NODES + 1);
        RunKey previous = null;
        byte[] before = null;
        for (int from = 0; from < nodes.size(); from += RUN_NODES) {
            RunKey key = new RunKey(nodes.subList(from, Math.min(nodes.size(), from + RUN_NODES)), previous);
            Run kept = runs.getIfPresent(key);
            Run run = kept;
            if (run == null) {
                run = new Run(plain(key), null);
                built.increment();
            } else {
                reused.increment();
            }
            if (deflater != null && run.deflated() == null) {
                run = new Run(run.plain(), deflate(deflater, run.plain(), before, false));
            }
            if (run != kept) {
                runs.put(key.kept(), run);
            }
            parts.add(run);
            previous = key;
            before = run.plain();
        }
        return parts;
    }

    /** The run's nodes as Jackson writes a list of them, without the brackets, after a comma unless it opens the list. */
    private byte[] plain(RunKey key) {
        byte[] list = json.writeValueAsBytes(key.nodes);
        byte[] bytes = Arrays.copyOfRange(list, key.first() ? 1 : 0, list.length - 1);
        if (!key.first()) {
            // the list's opening bracket becomes the comma after the run before
            bytes[0] = ',';
        }
        return bytes;
    }

    /**
     * {@code input} deflated on its own, with the last {@link #WINDOW} bytes of {@code dictionary} (the output before
     * it) to refer back to: ended with a sync flush, or as the stream's final block when {@code last}.
     */
    private static byte[] deflate(Deflater deflater, byte[] input, byte[] dictionary, boolean last) {
        deflater.reset();
        if (dictionary != null && dictionary.length > 0) {
            int length = Math.min(WINDOW, dictionary.length);
            deflater.setDictionary(dictionary, dictionary.length - length, length);
        }
        deflater.setInput(input);
        if (last) {
            deflater.finish();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, input.length / 4));
        byte[] buffer = new byte[16 * 1024];
        while (true) {
            int written = deflater.deflate(buffer, 0, buffer.length, last ? Deflater.NO_FLUSH : Deflater.SYNC_FLUSH);
            out.write(buffer, 0, written);
            // a sync flush is complete when it leaves room in the buffer; the final block when the deflater says so
            if (last ? deflater.finished() : written < buffer.length) {
                return out.toByteArray();
            }
        }
    }

    private Envelope envelope(Responses.NodeList list) {
        byte[] bytes = json.writeValueAsBytes(list.withData(List.of()));
        int at = indexOf(bytes, EMPTY_DATA);
        if (at < 0) {
            throw new IllegalStateException("the node list's JSON has no \"data\":[] to put the nodes into");
        }
        int open = at + EMPTY_DATA.length - 1;
        return new Envelope(Arrays.copyOfRange(bytes, 0, open), Arrays.copyOfRange(bytes, open, bytes.length));
    }

    private static int indexOf(byte[] bytes, byte[] part) {
        outer:
        for (int i = 0; i <= bytes.length - part.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (bytes[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static int put(byte[] out, int at, byte[] part) {
        System.arraycopy(part, 0, out, at, part.length);
        return at + part.length;
    }

    private static void writeIntLittleEndian(ByteArrayOutputStream out, int value) {
        out.write(value);
        out.write(value >>> 8);
        out.write(value >>> 16);
        out.write(value >>> 24);
    }
}
