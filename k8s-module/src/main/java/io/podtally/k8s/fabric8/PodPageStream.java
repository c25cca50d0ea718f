package io.podtally.k8s.fabric8;

import io.fabric8.kubernetes.client.http.AsyncBody;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The body of a pod page as an {@link InputStream}: the HTTP client's thread offers the chunks as
 * they arrive, the counting thread reads them. At most {@link #HIGH_WATER} bytes wait unread before
 * the body is asked for more, and a read waits no longer than the page deadline.
 */
final class PodPageStream extends InputStream {

    static final int HIGH_WATER = 1 << 20;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<ByteBuffer> chunks = new ArrayDeque<>();
    private final long deadlineNanos;
    private final LongSupplier nanoTime;
    private long queued;
    private AsyncBody paused;
    private boolean ended;
    private Throwable failure;
    private boolean closed;
    private boolean timedOut;

    PodPageStream(long deadlineNanos, LongSupplier nanoTime) {
        this.deadlineNanos = deadlineNanos;
        this.nanoTime = nanoTime;
    }

    /** Called on the HTTP client's thread with the next chunks. */
    void offer(List<ByteBuffer> buffers, AsyncBody body) {
        boolean more;
        lock.lock();
        try {
            if (!closed) {
                for (ByteBuffer buffer : buffers) {
                    if (buffer.hasRemaining()) {
                        chunks.addLast(buffer);
                        queued += buffer.remaining();
                    }
                }
                changed.signalAll();
            }
            more = closed || queued < HIGH_WATER;
            if (!more) {
                paused = body;
            }
        } finally {
            lock.unlock();
        }
        if (more) {
            body.consume();
        }
    }

    /** Called when the body is complete ({@code error == null}) or failed. */
    void end(Throwable error) {
        lock.lock();
        try {
            ended = true;
            failure = error;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether a read gave up at the page deadline. */
    boolean timedOut() {
        lock.lock();
        try {
            return timedOut;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        AsyncBody resume = null;
        int read;
        lock.lock();
        try {
            while (chunks.isEmpty()) {
                if (closed) {
                    throw new IOException("stream closed");
                }
                if (ended) {
                    if (failure != null) {
                        throw new IOException("the page body failed: " + failure, failure);
                    }
                    return -1;
                }
                long left = deadlineNanos - nanoTime.getAsLong();
                if (left <= 0) {
                    timedOut = true;
                    throw new InterruptedIOException("the page body did not arrive in time");
                }
                try {
                    changed.awaitNanos(Math.min(left, TimeUnit.SECONDS.toNanos(1)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while reading a page body");
                }
            }
            ByteBuffer head = chunks.peekFirst();
            read = Math.min(length, head.remaining());
            head.get(target, offset, read);
            if (!head.hasRemaining()) {
                chunks.removeFirst();
            }
            queued -= read;
            if (paused != null && queued < HIGH_WATER / 2) {
                resume = paused;
                paused = null;
            }
        } finally {
            lock.unlock();
        }
        if (resume != null) {
            resume.consume();
        }
        return read;
    }

    /** Stops reading: what is queued is dropped, and what still arrives is let through and dropped. */
    @Override
    public void close() {
        AsyncBody resume;
        lock.lock();
        try {
            closed = true;
            chunks.clear();
            queued = 0;
            resume = paused;
            paused = null;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (resume != null) {
            resume.consume();
        }
    }
}
