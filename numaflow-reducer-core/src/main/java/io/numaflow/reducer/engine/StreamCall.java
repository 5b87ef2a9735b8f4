package io.numaflow.reducer.engine;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.numaflow.reducer.IntervalWindow;
import io.numaflow.reducer.Message;
import io.numaflow.reducer.Output;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bidirectional call of any reduce kind: what the four kinds share. A kind says how a request is checked
 * and routed ({@link #problemWith}, {@link #apply}) and what the half-close closes ({@link #closeAll}); this
 * class does the rest the same way for all of them:
 * <ul>
 *   <li>hand-off: {@link #startGroup} starts a handler task fed through its own bounded datum channel, with
 *       inbound flow control shared by the call;</li>
 *   <li>output: {@link #send} writes a response now, {@link #emit} writes a handler's output once the client is
 *       reading (outbound backpressure), both serialised as gRPC requires;</li>
 *   <li>failure: a malformed request ends the call {@code INVALID_ARGUMENT}, a handler that throws ends it
 *       {@code INTERNAL} in the platform's format, a cancel ends it quietly; each stops every task;</li>
 *   <li>completion: a kind's units (a window, a session, a key run) are {@link Unit}s, each held by its
 *       handlers and by being open, and ended by its EOF; the call completes once the request stream is
 *       half-closed and every unit has ended.</li>
 * </ul>
 *
 * <p>Requests arrive on a transport thread, one at a time; handler tasks finish on their own threads. The
 * call's state, and the kinds' routing state, are guarded by {@code this}. The call fails once: the first
 * failure ends it, and is the only one logged, counted and reported.
 *
 * @param <Q> the request type
 * @param <R> the response type
 */
abstract class StreamCall<Q, R> implements StreamObserver<Q> {

    private static final Logger log = LoggerFactory.getLogger(StreamCall.class);

    private final ServerCallStreamObserver<R> responses;
    private final EngineSettings settings;
    private final InboundFlow inbound;
    private final Set<GroupTask<?>> running = new HashSet<>();
    private final ReentrantLock readiness = new ReentrantLock();
    private final Condition ready = readiness.newCondition();
    private volatile boolean ended;
    private boolean halfClosed;
    private int openUnits;

    StreamCall(ServerCallStreamObserver<R> responses, EngineSettings settings) {
        this.responses = responses;
        this.settings = settings;
        this.inbound = new InboundFlow(responses, settings.requestWindow());
        responses.disableAutoRequest();
        responses.setOnCancelHandler(this::cancelled);
        responses.setOnReadyHandler(this::signalReady);
        settings.listener().streamOpened();
        inbound.start();
    }

    /**
     * What is wrong with a request, if anything.
     *
     * @return the message of an {@code INVALID_ARGUMENT} status, or {@code null} for a valid request
     */
    abstract String problemWith(Q request);

    /** Applies one valid request: routes its datum, opens or closes groups. Transport thread. */
    abstract void apply(Q request);

    /** The half-close: ends the input of everything still open. Transport thread. */
    abstract void closeAll();

    /**
     * The call ended early (a failure, a cancel) and its tasks were stopped: a kind drops what it holds outside
     * of tasks. Called holding {@code this}.
     */
    void stopped() {
    }

    final ReduceListener listener() {
        return settings.listener();
    }

    final GroupExecutor executor() {
        return settings.executor();
    }

    @Override
    public final void onNext(Q request) {
        if (ended) {
            return; // nothing more is requested or processed
        }
        String problem = problemWith(request);
        if (problem != null) {
            reject(problem);
            return;
        }
        try {
            apply(request);
            DeferredWakeUps.wakeIfMany(); // the wake-ups and group starts this request deferred, if many wait
        } catch (RejectedExecutionException refused) {
            startRefused(refused);
        }
        inbound.received();
    }

    @Override
    public final void onCompleted() {
        synchronized (this) {
            if (ended) {
                return;
            }
            halfClosed = true;
        }
        try {
            closeAll();
        } catch (RejectedExecutionException refused) {
            startRefused(refused);
        }
        synchronized (this) {
            if (openUnits == 0 && !ended) {
                finish();
            }
        }
    }

    /** gRPC reports a client cancel here while the request stream is still open. */
    @Override
    public final void onError(Throwable error) {
        cancelled();
    }

    /** Ends the call {@code INVALID_ARGUMENT}: the request stream broke the protocol. */
    final void reject(String problem) {
        listener().streamRejected(ReduceListener.Rejection.MALFORMED);
        end(Status.INVALID_ARGUMENT.withDescription(problem).asRuntimeException());
    }

    /**
     * Starts a handler task for a new group, holding {@code unit} until the handler has returned.
     *
     * @param keys the group's keys (kept immutable; its datums share them)
     * @param handler the user's code
     * @param startAtOnce whether the platform reads its output while it is open (see {@link GroupExecutor})
     * @param window the group's window, for the error log
     * @param unit the unit the group belongs to: released once the handler returned normally (what it
     *     returned is then in the task's result, for the unit's end to send)
     * @return the task, or {@code null} when the call has ended (nothing more is to be done)
     */
    final synchronized <T> GroupTask<T> startGroup(List<String> keys, GroupTask.Handler<T> handler,
            boolean startAtOnce, IntervalWindow window, Unit unit) {
        if (ended) {
            return null;
        }
        GroupTask<T> task = new GroupTask<>(keys, handler, new DatumChannel(inbound, settings.groupBuffer()),
                settings.executor(), startAtOnce, listener());
        running.add(task);
        unit.hold();
        task.result().whenComplete((value, error) -> {
            // Runs on the handler's thread (or the canceller's): whatever escapes here would be lost with
            // the future, and leave the unit without its EOF.
            try {
                taskEnded(task);
                if (error == null) {
                    unit.release();
                } else if (error != GroupTask.STOPPED) {
                    handlerFailed(error, window, keys);
                }
            } catch (RuntimeException | Error bug) {
                handlerFailed(bug, window, keys);
            }
        });
        listener().groupOpened();
        if (!DeferredWakeUps.defer(() -> start(task))) {
            start(task);
        }
        return ended ? null : task;
    }

    private void start(GroupTask<?> task) {
        try {
            task.start();
        } catch (RejectedExecutionException refused) {
            startRefused(refused);
        }
    }

    /**
     * No thread could take a unit: the executor is shut down (the UDF is stopping), or the process is at the
     * operating system's thread limit. The call ends, saying which; other calls go on.
     */
    private synchronized void startRefused(RejectedExecutionException refused) {
        if (ended) {
            return;
        }
        if (refused.getCause() instanceof OutOfMemoryError) {
            String problem = "the reduce UDF cannot start a thread for another unit (" + refused.getMessage()
                    + "): the process is at the operating system's thread limit; raise the container's limit, or"
                    + " run on Java 21+, where units run on virtual threads";
            log.error("A stream ended: {}", problem);
            end(Status.RESOURCE_EXHAUSTED.withDescription(problem).asRuntimeException());
        } else {
            end(Status.UNAVAILABLE.withDescription("the reduce UDF is shutting down").asRuntimeException());
        }
    }

    /**
     * Opens a unit of this call (a window, a session, a key run): the call cannot complete before it ends.
     *
     * @param end what ends it on the wire once nobody holds it any more: sends what it still holds and returns
     *     its EOF, or returns {@code null} for a unit that ends without one (a session merged into another)
     * @return the unit, held by being open until {@link Unit#close()}
     */
    final synchronized Unit openUnit(Supplier<R> end) {
        openUnits++;
        return new Unit(end);
    }

    /** A unit's EOF was sent. */
    private synchronized void unitEnded() {
        openUnits--;
        if (openUnits == 0 && halfClosed && !ended) {
            finish();
        }
    }

    /**
     * Writes a response now (results held until their window ended, EOFs).
     *
     * @return {@code false} if the call has ended and nothing was written
     */
    final synchronized boolean send(R response) {
        if (ended) {
            return false;
        }
        responses.onNext(response);
        return true;
    }

    /**
     * Writes a handler's output, first waiting while the client is not reading (gRPC flow control), so a
     * handler that produces faster than the platform reads is slowed down instead of filling the heap; the
     * listener counts it as a result sent.
     *
     * @throws IllegalStateException if the call has ended (or ends, or the handler is interrupted, while waiting)
     */
    final void emit(R response) {
        awaitReady();
        if (!send(response)) {
            throw new IllegalStateException("the stream has ended: the output is closed");
        }
        listener().resultSent();
    }

    private void awaitReady() {
        readiness.lock();
        try {
            while (!responses.isReady() && !ended) {
                ready.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the platform to read", e);
        } finally {
            readiness.unlock();
        }
    }

    private void signalReady() {
        readiness.lock();
        try {
            ready.signalAll();
        } finally {
            readiness.unlock();
        }
    }

    private synchronized void taskEnded(GroupTask<?> task) {
        running.remove(task);
    }

    /**
     * Ends the call {@code INTERNAL} in the platform's format (persisted, counted, logged with the group's
     * window and keys): the user's code for that group threw {@code error}. Any thread. The first failure of
     * the call ends it; later ones (its other groups stopping) are not reported.
     */
    final synchronized void handlerFailed(Throwable error, IntervalWindow window, List<String> keys) {
        if (ended) {
            return;
        }
        log.error("The UDF failed for window [{}, {}) keys {}: {}", window.start(), window.end(), keys,
                error.toString());
        listener().udfError(window, error);
        end(settings.errors().report(error));
    }

    private void finish() {
        ended = true;
        responses.onCompleted();
        listener().streamClosed();
    }

    /** Ends the call with an error status and stops every task of it. */
    private synchronized void end(RuntimeException status) {
        if (ended) {
            return;
        }
        stopAll();
        responses.onError(status);
        listener().streamClosed();
    }

    private void cancelled() {
        synchronized (this) {
            if (ended) {
                return;
            }
            stopAll();
        }
        listener().streamRejected(ReduceListener.Rejection.CANCELLED);
        listener().streamClosed();
    }

    /** Marks the call ended, cancels every task and wakes handlers waiting to send. Called holding this. */
    private void stopAll() {
        ended = true;
        for (GroupTask<?> task : new ArrayList<>(running)) {
            task.cancel(); // completes its result, which removes it from running
        }
        stopped();
        signalReady();
    }

    /**
     * A Message as a kind's response, once its handler's gate admits it, after the platform is ready to
     * read: the {@link Output} every kind but the accumulator gives its handlers.
     *
     * @param gate the handler's gate
     * @param response the kind's response for a message, with the unit's current window
     * @return the output
     */
    final Output output(OutputGate gate, Function<Message, R> response) {
        return message -> {
            Objects.requireNonNull(message, "message must not be null");
            gate.pass(() -> emit(response.apply(message)));
        };
    }

    /**
     * A window, a session or an accumulator key run. It is held by being open and by each of its handlers
     * while they run; once the last one lets go, its last responses and its EOF go out and it has ended.
     */
    final class Unit {
        private final AtomicInteger holders = new AtomicInteger(1); // being open
        private final Supplier<R> end;
        private volatile long closedAt;

        private Unit(Supplier<R> end) {
            this.end = end;
        }

        /** A handler of it runs. */
        void hold() {
            holders.incrementAndGet();
        }

        /** Its input ended: the close its EOF is timed from. */
        void close() {
            closedAt = System.nanoTime();
            release();
        }

        /** A holder lets go; the last one ends the unit. */
        void release() {
            if (holders.decrementAndGet() != 0) {
                return;
            }
            R eof = end.get();
            if (eof == null) {
                unitEnded();
            } else if (send(eof)) {
                listener().windowCompleted(Duration.ofNanos(System.nanoTime() - closedAt));
                unitEnded();
            }
        }
    }
}
