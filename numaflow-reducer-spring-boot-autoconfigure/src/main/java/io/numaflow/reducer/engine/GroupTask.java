package io.numaflow.reducer.engine;

import io.numaflow.reducer.Datum;
import io.numaflow.reducer.Messages;
import io.numaflow.reducer.Metadata;
import io.numaflow.reducer.Reducer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * One {@code (window, keys)} group: its datum channel and the reducer task that consumes it.
 *
 * <p>{@link #result()} completes with the reducer's messages, exceptionally with what it threw, or with a
 * {@link CancellationException} when the stream ended first.
 */
final class GroupTask implements Runnable {

    private enum State { WAITING, RUNNING, DONE }

    private final List<String> keys;
    private final Metadata metadata;
    private final Supplier<? extends Reducer> reducers;
    private final DatumChannel datums;
    private final GroupExecutor executor;
    private final ReduceListener listener;
    private final CompletableFuture<Messages> result = new CompletableFuture<>();
    private volatile State state = State.WAITING; // written under this
    private Thread runner;
    private boolean escalated; // transport threads only (gRPC serialises a call's callbacks)

    GroupTask(List<String> keys, Metadata metadata, Supplier<? extends Reducer> reducers,
            DatumChannel datums, GroupExecutor executor, ReduceListener listener) {
        this.keys = keys;
        this.metadata = metadata;
        this.reducers = reducers;
        this.datums = datums;
        this.executor = executor;
        this.listener = listener;
    }

    List<String> keys() {
        return keys;
    }

    Metadata metadata() {
        return metadata;
    }

    CompletableFuture<Messages> result() {
        return result;
    }

    void start() {
        executor.start(this);
    }

    /**
     * Called on the transport thread; never blocks. A group still waiting for a pooled thread when its buffer
     * fills (and so pauses its stream) gets a thread of its own at once: otherwise it could stall its stream
     * behind running groups that wait for that very stream's window to close.
     */
    void offer(Datum datum) {
        if (datums.offer(datum) && !escalated && state == State.WAITING) {
            escalated = true;
            executor.startNow(this);
        }
    }

    void closeInput() {
        datums.closeInput();
    }

    @Override
    public void run() {
        synchronized (this) {
            if (state != State.WAITING) {
                return; // already started on another thread, or cancelled while waiting
            }
            state = State.RUNNING;
            runner = Thread.currentThread();
        }
        long started = System.nanoTime();
        try {
            Messages messages = reducers.get().reduce(keys, datums, metadata);
            result.complete(messages == null ? Messages.empty() : messages);
        } catch (Throwable error) {
            result.completeExceptionally(error);
        } finally {
            listener.reducerReturned(Duration.ofNanos(System.nanoTime() - started));
            datums.discard();
            synchronized (this) {
                state = State.DONE;
                runner = null;
                Thread.interrupted(); // a cancel that raced the return must not leak into the next task
            }
            listener.groupClosed();
        }
    }

    /** Stops the task: its iteration ends, a blocked reducer is interrupted, the result is abandoned. */
    void cancel() {
        result.completeExceptionally(new CancellationException("the stream ended before the group completed"));
        datums.discard();
        boolean neverRan;
        synchronized (this) {
            neverRan = state == State.WAITING;
            if (state == State.RUNNING) {
                runner.interrupt();
            }
            state = State.DONE;
        }
        if (neverRan) {
            listener.groupClosed(); // a running task reports it itself as it ends
        }
    }
}
