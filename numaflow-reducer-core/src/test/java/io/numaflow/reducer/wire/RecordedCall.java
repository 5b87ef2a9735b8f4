package io.numaflow.reducer.wire;

import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The client side of one bidirectional call of any reduce kind, for engine tests: it records every response and
 * how the call ended, and gives the request stream to the kind's driver (which knows what requests to send).
 *
 * @param <Q> the request type
 * @param <R> the response type
 */
public class RecordedCall<Q, R> implements ClientResponseObserver<Q, R> {

    private final List<R> responses = new ArrayList<>(); // guarded by itself
    private final CompletableFuture<Status> status = new CompletableFuture<>();
    private final CompletableFuture<ClientCallStreamObserver<Q>> requests = new CompletableFuture<>();
    private final AtomicReference<Runnable> onReady = new AtomicReference<>(() -> { });
    private volatile Throwable error;

    @Override
    public void beforeStart(ClientCallStreamObserver<Q> requestStream) {
        requestStream.setOnReadyHandler(() -> onReady.get().run());
        requests.complete(requestStream);
    }

    @Override
    public void onNext(R response) {
        synchronized (responses) {
            responses.add(response);
        }
    }

    @Override
    public void onError(Throwable t) {
        error = t;
        status.complete(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
        status.complete(Status.OK);
    }

    /** Runs {@code handler} whenever the request stream turns ready (client-side flow control). */
    public void onReady(Runnable handler) {
        onReady.set(handler);
    }

    public ClientCallStreamObserver<Q> requests() {
        return requests.join();
    }

    public RecordedCall<Q, R> send(Q request) {
        requests().onNext(request);
        return this;
    }

    public RecordedCall<Q, R> halfClose() {
        requests().onCompleted();
        return this;
    }

    public void cancel() {
        requests().cancel("test cancels", null);
    }

    public CompletableFuture<Status> status() {
        return status;
    }

    public Status awaitStatus() {
        return status.orTimeout(60, TimeUnit.SECONDS).join();
    }

    /** The {@code google.rpc.Status} of the {@code grpc-status-details-bin} trailer, once the call failed. */
    public com.google.rpc.Status richStatus() {
        awaitStatus();
        return StatusProto.fromThrowable(error);
    }

    /** Half-closes, waits for the end and returns every response; fails unless the status is OK. */
    public List<R> closeAndAwait() {
        halfClose();
        Status end = awaitStatus();
        if (!end.isOk()) {
            throw new AssertionError("stream ended with " + end);
        }
        return responses();
    }

    public List<R> responses() {
        synchronized (responses) {
            return List.copyOf(responses);
        }
    }

    /** Every response so far, forgotten here (a long run keeps no history). */
    public List<R> drainResponses() {
        synchronized (responses) {
            List<R> drained = List.copyOf(responses);
            responses.clear();
            return drained;
        }
    }
}
