package io.numaflow.reducer.engine;

import io.numaflow.reducer.Datum;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The datums of one group on their way from the transport (one producer) to the reducer (one consumer):
 * the {@code Iterable<Datum>} a reducer receives.
 *
 * <p>The producer never blocks. When the shared buffer reaches {@code capacity} it {@linkplain
 * InboundFlow#pause() pauses} the stream, and the consumer resumes it when it takes the buffer. The consumer
 * takes everything buffered at once into a batch of its own, so a reducer that keeps up costs one lock and at
 * most one wake-up per batch, not per datum. The producer wakes only a consumer that is actually waiting, and
 * when it runs in a {@link DeferredWakeUps} scope (the transport executor's task) it leaves the wake-up to the
 * end of that task, so that one wake-up hands over every datum of the task; a buffer half full is handed
 * over at once, so that a long task never makes the stream pause for want of a wake-up.
 * When the consumer stops (a reducer that returned early, or a cancelled stream) the buffer is dropped and
 * later datums are discarded on arrival, so an early return never stalls the stream.
 */
final class DatumChannel implements Iterable<Datum> {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final InboundFlow flow;
    private final int capacity;
    private final int wakeAtOnceSize;
    private final AtomicBoolean iterated = new AtomicBoolean();
    private final Runnable deferredWakeUp = this::wakeDeferred;
    // Guarded by lock.
    private ArrayDeque<Datum> buffer = new ArrayDeque<>();
    private boolean inputClosed;
    private volatile boolean discarding; // also read without the lock, to end iteration at once
    private boolean pausedFlow;
    private boolean consumerWaiting;
    private boolean wakeUpDeferred; // registered with the current transport task's DeferredWakeUps
    // The consumer's own: datums already taken from the buffer.
    private ArrayDeque<Datum> batch = new ArrayDeque<>();

    DatumChannel(InboundFlow flow, int capacity) {
        this.flow = flow;
        this.capacity = capacity;
        this.wakeAtOnceSize = Math.max(1, capacity / 2);
    }

    /**
     * Adds a datum without blocking.
     *
     * @return {@code true} if the buffer is full, and this call paused the stream
     */
    boolean offer(Datum datum) {
        boolean pause = false;
        lock.lock();
        try {
            if (discarding) {
                return false;
            }
            buffer.add(datum);
            if (consumerWaiting) {
                wakeConsumer();
            }
            if (buffer.size() >= capacity && !pausedFlow) {
                pausedFlow = true;
                pause = true;
            }
        } finally {
            lock.unlock();
        }
        if (pause) {
            flow.pause();
        }
        return pause;
    }

    // Called holding the lock, with the consumer waiting.
    private void wakeConsumer() {
        if (buffer.size() >= wakeAtOnceSize) {
            notEmpty.signal();
        } else if (!wakeUpDeferred) {
            if (DeferredWakeUps.defer(deferredWakeUp)) {
                wakeUpDeferred = true;
            } else {
                notEmpty.signal();
            }
        }
    }

    /** The transport task that deferred this channel's wake-up has ended: wake the consumer if it waits. */
    void wakeDeferred() {
        lock.lock();
        try {
            wakeUpDeferred = false;
            if (consumerWaiting) {
                notEmpty.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The window closed: iteration ends once everything buffered has been taken. */
    void closeInput() {
        closeInputQuietly();
        wakeConsumerIfWaiting();
    }

    /** Closes the input like {@link #closeInput()} but leaves a waiting consumer asleep until woken. */
    void closeInputQuietly() {
        lock.lock();
        try {
            inputClosed = true;
        } finally {
            lock.unlock();
        }
    }

    void wakeConsumerIfWaiting() {
        lock.lock();
        try {
            if (consumerWaiting) {
                notEmpty.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The consumer is gone: drop what is buffered and whatever arrives later; iteration ends now. */
    void discard() {
        boolean resume;
        lock.lock();
        try {
            discarding = true;
            inputClosed = true;
            buffer.clear();
            resume = pausedFlow;
            pausedFlow = false;
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
        if (resume) {
            flow.resume();
        }
    }

    /**
     * Blocks for the next datum.
     *
     * @return the datum, or {@code null} once the input is closed and drained, or when interrupted (the
     *     interrupt status is kept)
     */
    private Datum take() {
        if (discarding) {
            return null;
        }
        Datum datum = batch.poll();
        if (datum != null) {
            return datum;
        }
        boolean resume = false;
        lock.lock();
        try {
            while (buffer.isEmpty() && !inputClosed) {
                consumerWaiting = true;
                try {
                    notEmpty.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                } finally {
                    consumerWaiting = false;
                }
            }
            if (discarding) {
                return null;
            }
            ArrayDeque<Datum> taken = buffer; // swap: the producer goes on filling an empty deque
            buffer = batch;
            batch = taken;
            if (pausedFlow) {
                pausedFlow = false;
                resume = true;
            }
        } finally {
            lock.unlock();
        }
        if (resume) {
            flow.resume();
        }
        return batch.poll();
    }

    @Override
    public Iterator<Datum> iterator() {
        if (!iterated.compareAndSet(false, true)) {
            throw new IllegalStateException("datums are single-pass: iterator() may be called only once");
        }
        return new Iterator<>() {
            private Datum next;
            private boolean ended;

            @Override
            public boolean hasNext() {
                if (next == null && !ended) {
                    next = take();
                    ended = next == null;
                }
                return next != null;
            }

            @Override
            public Datum next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Datum datum = next;
                next = null;
                return datum;
            }
        };
    }
}
