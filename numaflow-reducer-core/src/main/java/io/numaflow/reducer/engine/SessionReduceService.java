package io.numaflow.reducer.engine;

import com.google.protobuf.Empty;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.numaflow.reducer.SessionReducer;
import io.numaproj.numaflow.sessionreduce.v1.SessionReduceGrpc;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.ReadyResponse;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.SessionReduceRequest;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.SessionReduceResponse;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The {@code sessionreduce.v1.SessionReduce} gRPC service: serves a {@link SessionReducer} to the Numaflow
 * platform for a session-window reduce vertex. Knows gRPC, not Spring.
 */
public final class SessionReduceService extends SessionReduceGrpc.SessionReduceImplBase {

    private final Supplier<? extends SessionReducer> reducers;
    private final EngineSettings settings;

    /**
     * @param reducers called once per session (and per merged session) for a fresh instance
     * @param settings the engine's settings
     */
    public SessionReduceService(Supplier<? extends SessionReducer> reducers, EngineSettings settings) {
        this.reducers = Objects.requireNonNull(reducers, "reducers");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public StreamObserver<SessionReduceRequest> sessionReduceFn(StreamObserver<SessionReduceResponse> responses) {
        return new SessionStream((ServerCallStreamObserver<SessionReduceResponse>) responses, settings, reducers);
    }

    @Override
    public void isReady(Empty request, StreamObserver<ReadyResponse> response) {
        response.onNext(ReadyResponse.newBuilder().setReady(true).build());
        response.onCompleted();
    }
}
