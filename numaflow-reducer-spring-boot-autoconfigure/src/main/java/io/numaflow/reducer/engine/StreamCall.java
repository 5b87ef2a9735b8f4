package io.numaflow.reducer.engine;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.numaflow.reducer.IntervalWindow;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
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
 *   <li>completion: a kind counts its units (a window, a session, a key run) with {@link #unitOpened} and
 *       {@link #unitEnded} (after the unit's EOF); the call completes once the request stream is half-closed
 *       and every unit has ended.</li>
 * </ul>
 *
 * <p>Requests arrive on a transport thread, one at a time; handler tasks finish on their own threads. The
 * call's state, and the kinds' routing state, are guarded by {@code this}.
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
        apply(request);
        DeferredWakeUps.wakeIfMany(); // the wake-ups and group starts this request deferred, if many wait
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
        closeAll();
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
     * Starts a handler task for a new group.
     *
     * @param keys the group's keys (kept immutable; its datums share them)
     * @param handler the user's code
     * @param window the group's window, for the error log
     * @param onReturn called with the handler's result once it returned normally (on the handler's thread)
     * @return the task, or {@code null} when the call has ended (nothing more is to be done)
     */
    final synchronized <T> GroupTask<T> startGroup(List<String> keys, GroupTask.Handler<T> handler,
            IntervalWindow window, Consumer<T> onReturn) {
        if (ended) {
            return null;
        }
        GroupTask<T> task = new GroupTask<>(keys, handler, new DatumChannel(inbound, settings.groupBuffer()),
                settings.executor(), listener());
        running.add(task);
        task.result().whenComplete((value, error) -> {
            taskEnded(task);
            if (error == null) {
                onReturn.accept(value);
            } else if (!(error instanceof CancellationException)) {
                handlerFailed(error, window, keys);
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
        } catch (RejectedExecutionException shuttingDown) {
            end(Status.UNAVAILABLE.withDescription("the reduce UDF is shutting down").asRuntimeException());
        }
    }

    /** A unit (window, session, key run) began: the call cannot complete before it ends. */
    final synchronized void unitOpened() {
        openUnits++;
    }

    /** A unit's EOF was sent. */
    final synchronized void unitEnded() {
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
     * window and keys): the user's code for that group threw {@code error}. Any thread.
     */
    final void handlerFailed(Throwable error, IntervalWindow window, List<String> keys) {
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
}
