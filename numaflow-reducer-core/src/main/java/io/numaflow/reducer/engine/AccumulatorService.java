package io.numaflow.reducer.engine;

import com.google.protobuf.Empty;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.numaflow.reducer.Accumulator;
import io.numaproj.numaflow.accumulator.v1.AccumulatorGrpc;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.AccumulatorRequest;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.AccumulatorResponse;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.ReadyResponse;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The {@code accumulator.v1.Accumulator} gRPC service: serves an {@link Accumulator} to the Numaflow platform
 * for an accumulator vertex. Knows gRPC, not Spring.
 */
public final class AccumulatorService extends AccumulatorGrpc.AccumulatorImplBase {

    private final Supplier<? extends Accumulator> accumulators;
    private final EngineSettings settings;

    /**
     * @param accumulators called once per key run (OPEN to CLOSE) for its instance
     * @param settings the engine's settings
     */
    public AccumulatorService(Supplier<? extends Accumulator> accumulators, EngineSettings settings) {
        this.accumulators = Objects.requireNonNull(accumulators, "accumulators");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public StreamObserver<AccumulatorRequest> accumulateFn(StreamObserver<AccumulatorResponse> responses) {
        return new AccumulatorStream((ServerCallStreamObserver<AccumulatorResponse>) responses, settings,
                accumulators);
    }

    @Override
    public void isReady(Empty request, StreamObserver<ReadyResponse> response) {
        response.onNext(ReadyResponse.newBuilder().setReady(true).build());
        response.onCompleted();
    }
}
