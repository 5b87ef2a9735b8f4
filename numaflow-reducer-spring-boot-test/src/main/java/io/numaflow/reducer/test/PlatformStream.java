package io.numaflow.reducer.test;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * One bidirectional gRPC call driven as the platform drives it: the common part of the three kinds' streams.
 *
 * <p>Requests wait for gRPC flow control, as the platform's do. Each response is checked by the kind as it
 * arrives; the first protocol violation cancels the call and is what the test fails with. Every wait is
 * bounded by the client's timeout. All state is guarded by this object's monitor: a kind updates its own
 * model in the same {@code synchronized} block as the {@link #send} it belongs to, so a response is never
 * checked against a model that does not know the request it answers.
 *
 * @param <Q> the request type
 * @param <R> the response type
 */
abstract class PlatformStream<Q, R> implements ClientResponseObserver<Q, R> {

    private static final String BROKE = "The UDF broke the Numaflow protocol: ";

    private final Duration timeout;
    private ClientCallStreamObserver<Q> requests;
    private Status status; // null while the call runs
    private Throwable failure;
    private String violation;
    private boolean halfClosed;

    PlatformStream(Duration timeout) {
        this.timeout = timeout;
    }

    /** What the stream carries, for failure messages, e.g. "the ReduceFn stream of window [...]". */
    abstract String what();

    /** The protocol problem of {@code response}, or {@code null} when it is fine; records it when fine. */
    abstract String check(R response);

    /** The problem of a stream the UDF completed with OK after the half-close, or {@code null}. */
    abstract String checkCompleted();

    /** What was still missing when the timeout ran out after the half-close. */
    abstract String missing();

    @Override
    public final void beforeStart(ClientCallStreamObserver<Q> requestStream) {
        this.requests = requestStream;
        requestStream.setOnReadyHandler(this::wake);
    }

    @Override
    public final synchronized void onNext(R response) {
        if (violation == null && status == null) {
            String problem = check(response);
            if (problem != null) {
                violate(BROKE + problem);
            }
        }
        notifyAll();
    }

    @Override
    public final synchronized void onError(Throwable error) {
        if (status == null) {
            status = Status.fromThrowable(error);
            failure = error;
        }
        notifyAll();
    }

    @Override
    public final synchronized void onCompleted() {
        if (violation == null) {
            String problem = halfClosed ? checkCompleted()
                    : "the UDF ended " + what() + " (status OK) before the platform closed it";
            if (problem != null) {
                violation = BROKE + problem;
            }
        }
        status = Status.OK;
        notifyAll();
    }

    final synchronized boolean halfClosed() {
        return halfClosed;
    }

    /** Sends one request once the UDF accepts more (gRPC flow control). */
    final synchronized void send(Q request) {
        if (halfClosed) {
            throw new IllegalStateException(what() + " is already closed");
        }
        failIfBroken();
        if (!await(() -> requests.isReady() || status != null)) {
            violate("the UDF did not accept more requests on " + what() + " for " + timeout
                    + " (gRPC flow control held the stream)");
        }
        failIfBroken();
        requests.onNext(request);
    }

    /** Half-closes the request stream: for the platform, "no more input". */
    final synchronized void halfClose() {
        failIfBroken();
        halfClosed = true;
        requests.onCompleted();
    }

    /** Waits for the UDF to end the call after the half-close; fails the test unless it ended as it must. */
    final synchronized void awaitEnd() {
        if (!await(() -> status != null)) {
            violate(BROKE + missing() + " within " + timeout + " after " + what() + " was closed");
        }
        failIfBroken();
    }

    /** Waits until {@code condition} holds; fails the test when the UDF broke the protocol or time ran out. */
    final synchronized void awaitOrFail(BooleanSupplier condition, String expectation) {
        if (!await(() -> condition.getAsBoolean() || status != null || violation != null)) {
            violate(expectation + " within " + timeout + " on " + what());
        }
        if (!condition.getAsBoolean()) {
            failIfBroken();
            throw new AssertionError(expectation + " on " + what() + ", but it ended first");
        }
    }

    /** Throws the first violation, or the call's failure status. */
    final synchronized void failIfBroken() {
        if (violation != null) {
            throw new AssertionError(violation, failure);
        }
        if (status != null && !status.isOk()) {
            throw new AssertionError(what() + " failed with status " + status.getCode()
                    + (status.getDescription() == null ? "" : ": " + status.getDescription()), failure);
        }
    }

    private void violate(String problem) {
        violation = problem;
        if (status == null) {
            requests.cancel("the test kit saw a protocol violation: " + problem, null);
        }
    }

    private synchronized void wake() {
        notifyAll();
    }

    private boolean await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                wait(Math.max(1, left / 1_000_000));
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting on " + what(), e);
        }
    }
}
