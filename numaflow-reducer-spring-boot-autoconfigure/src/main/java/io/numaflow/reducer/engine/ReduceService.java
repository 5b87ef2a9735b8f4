package io.numaflow.reducer.engine;

import com.google.protobuf.Empty;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.numaflow.reducer.Reducer;
import io.numaproj.numaflow.reduce.v1.ReduceGrpc;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReadyResponse;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The {@code reduce.v1.Reduce} gRPC service: serves a {@link Reducer} to the Numaflow platform.
 *
 * <p>Knows gRPC, not Spring: any {@code io.grpc.ServerBuilder} can host it. Each {@code ReduceFn} call gets
 * its own state, dropped when the call ends; the service itself only holds its settings.
 */
public final class ReduceService extends ReduceGrpc.ReduceImplBase {

    /** Datums a group buffers before its stream is paused. */
    public static final int DEFAULT_GROUP_BUFFER = 256;

    /** Requests a stream may have outstanding (asked for, not yet delivered) while no group is paused. */
    public static final int DEFAULT_REQUEST_WINDOW = 64;

    private final Settings settings;

    /**
     * @param reducers called once per {@code (window, keys)} group for the instance that reduces it
     * @param executor runs the reducer tasks
     * @param errors reports reducer exceptions in the platform's format
     * @param listener observes the engine's work
     */
    public ReduceService(Supplier<? extends Reducer> reducers, GroupExecutor executor, UdfErrorReporter errors,
            ReduceListener listener) {
        this(new Settings(reducers, executor, errors, listener, DEFAULT_GROUP_BUFFER, DEFAULT_REQUEST_WINDOW));
    }

    ReduceService(Settings settings) {
        this.settings = settings;
    }

    @Override
    public StreamObserver<ReduceRequest> reduceFn(StreamObserver<ReduceResponse> responses) {
        return new ReduceStream((ServerCallStreamObserver<ReduceResponse>) responses, settings);
    }

    @Override
    public void isReady(Empty request, StreamObserver<ReadyResponse> response) {
        response.onNext(ReadyResponse.newBuilder().setReady(true).build());
        response.onCompleted();
    }

    record Settings(Supplier<? extends Reducer> reducers, GroupExecutor executor, UdfErrorReporter errors,
            ReduceListener listener, int groupBuffer, int requestWindow) {
        Settings {
            Objects.requireNonNull(reducers, "reducers");
            Objects.requireNonNull(executor, "executor");
            Objects.requireNonNull(errors, "errors");
            Objects.requireNonNull(listener, "listener");
            if (groupBuffer < 1 || requestWindow < 2) {
                throw new IllegalArgumentException("groupBuffer must be >= 1 and requestWindow >= 2");
            }
        }
    }
}
