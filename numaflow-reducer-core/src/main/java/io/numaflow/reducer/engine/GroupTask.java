package io.numaflow.reducer.engine;

import io.numaflow.reducer.Datum;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * One group of datums and the handler task that consumes them: a {@code (window, keys)} group of an aligned
 * window, a session, or an accumulator key run. Every reduce kind hands datums to its handlers through this.
 *
 * <p>{@link #result()} completes with what the handler returned, exceptionally with what it threw, or with a
 * {@link CancellationException} when the stream ended first.
 *
 * @param <T> what the handler returns
 */
final class GroupTask<T> implements Runnable {

    /** The user's code for one group, called once on a thread of its own with the group's datums. */
    @FunctionalInterface
    interface Handler<T> {
        T handle(Iterable<Datum> datums) throws Exception;
    }

    /**
     * What a task's result completes with when the engine stops it (its stream ended first). The engine knows
     * its own stop by identity: a handler that throws a {@link CancellationException} of its own has failed
     * like any other.
     */
    static final CancellationException STOPPED = new Stopped();

    private enum State { WAITING, RUNNING, DONE }

    private final List<String> keys;
    private final Handler<T> handler;
    private final DatumChannel datums;
    private final GroupExecutor executor;
    private final boolean startAtOnce;
    private final ReduceListener listener;
    private final CompletableFuture<T> result = new CompletableFuture<>();
    private volatile State state = State.WAITING; // written under this
    private Thread runner;
    private boolean escalated; // transport threads only (gRPC serialises a call's callbacks)

    /**
     * A task, not started yet.
     *
     * @param startAtOnce whether its output is read while it is open (see {@link GroupExecutor#start})
     */
    GroupTask(List<String> keys, Handler<T> handler, DatumChannel datums, GroupExecutor executor,
            boolean startAtOnce, ReduceListener listener) {
        this.keys = keys;
        this.handler = handler;
        this.datums = datums;
        this.executor = executor;
        this.startAtOnce = startAtOnce;
        this.listener = listener;
    }

    /** The group's keys: its datums share this (immutable) list. */
    List<String> keys() {
        return keys;
    }

    CompletableFuture<T> result() {
        return result;
    }

    void start() {
        executor.start(this, startAtOnce);
    }

    /**
     * Called on the transport thread; never blocks. A group still waiting for a pooled thread when its buffer
     * fills (and so pauses its stream) gets a thread of its own at once: otherwise it could stall its stream
     * behind running groups that wait for that very stream's window to close.
     */
    void offer(Datum datum) {
        if (datums.offer(datum)) {
            startNowIfWaiting();
        }
    }

    /**
     * Closes the input of many groups, as the end of a window does: every input is closed before any waiting
     * handler is woken. Closing and waking them one after the other lets a woken handler return and its pooled
     * thread take a waiting group of the same window whose input is still open, only to park on it until the
     * loop gets there: one more park and wake-up per group (measured: 50,000 one-datum groups on 256 pooled
     * threads made 1.3 context switches per datum, most of the server's kernel time).
     */
    static void closeInputs(Collection<? extends GroupTask<?>> groups, GroupExecutor executor) {
        for (GroupTask<?> group : groups) {
            group.datums.closeInputQuietly();
        }
        List<GroupTask<?>> waiting = new ArrayList<>();
        for (GroupTask<?> group : groups) {
            group.datums.wakeConsumerIfWaiting();
            if (group.state == State.WAITING) {
                waiting.add(group);
            }
        }
        executor.drain(waiting);
    }

    /**
     * Ends the input of one unit (a session, an accumulator key run); one waiting for a pooled thread starts
     * at once, as a window's groups do when it closes.
     */
    void closeInputAndStart() {
        datums.closeInput();
        startNowIfWaiting();
    }

    private void startNowIfWaiting() {
        if (!escalated && state == State.WAITING) {
            escalated = true;
            executor.startNow(this);
        }
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
            result.complete(handler.handle(datums));
        } catch (Throwable error) {
            result.completeExceptionally(error);
        } finally {
            // The engine's own state first: nothing a listener does may leave the channel taking datums
            // nobody reads, or this thread marked as the runner a later cancel interrupts.
            datums.discard();
            synchronized (this) {
                state = State.DONE;
                runner = null;
                Thread.interrupted(); // a cancel that raced the return must not leak into the next task
            }
            listener.reducerReturned(Duration.ofNanos(System.nanoTime() - started));
            listener.groupClosed();
        }
    }

    /** Stops the task: its iteration ends, a blocked reducer is interrupted, the result is abandoned. */
    void cancel() {
        result.completeExceptionally(STOPPED);
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

    /** Shared, so it records no stack: where the stop came from is never reported. */
    private static final class Stopped extends CancellationException {
        Stopped() {
            super("the stream ended before the unit completed");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
