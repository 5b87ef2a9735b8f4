package io.numaflow.reducer.engine;

import com.google.protobuf.Empty;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.numaflow.reducer.Aggregator;
import io.numaflow.reducer.Messages;
import io.numaflow.reducer.ReduceStreamer;
import io.numaflow.reducer.Reducer;
import io.numaproj.numaflow.reduce.v1.ReduceGrpc;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReadyResponse;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The {@code reduce.v1.Reduce} gRPC service: serves a {@link Reducer}, an {@link Aggregator} or a
 * {@link ReduceStreamer} (the kinds of aligned, fixed or sliding, windows) to the Numaflow platform.
 *
 * <p>Knows gRPC, not Spring: any {@code io.grpc.ServerBuilder} can host it. Each {@code ReduceFn} call gets
 * its own state, dropped when the call ends; the service itself only holds its settings.
 */
public final class ReduceService extends ReduceGrpc.ReduceImplBase {

    private final ReduceStream.GroupReducer<?> reducer;
    private final EngineSettings settings;

    private ReduceService(ReduceStream.GroupReducer<?> reducer, EngineSettings settings) {
        this.reducer = reducer;
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Serves a {@link Reducer}: each group's returned messages are sent when its window closes.
     *
     * @param reducers called once per {@code (window, keys)} group, on the group's thread, for its instance
     * @param settings the engine's settings
     * @return the service
     */
    public static ReduceService reducer(Supplier<? extends Reducer> reducers, EngineSettings settings) {
        Objects.requireNonNull(reducers, "reducers");
        return new ReduceService(new TaskGroups((keys, metadata, output) -> datums -> {
            Messages messages = reducers.get().reduce(keys, datums, metadata);
            return messages == null ? Messages.empty() : messages;
        }, false), settings);
    }

    /**
     * Serves an {@link Aggregator}: each datum is folded into its group's state on the gRPC transport thread
     * that received it, and each group's results are sent when its window closes.
     *
     * @param aggregators called once per {@code (window, keys)} group, on the transport thread, for its instance
     * @param settings the engine's settings (its executor is not used)
     * @return the service
     */
    public static ReduceService aggregator(Supplier<? extends Aggregator<?>> aggregators, EngineSettings settings) {
        Objects.requireNonNull(aggregators, "aggregators");
        return new ReduceService(new FoldingGroups(aggregators), settings);
    }

    /**
     * Serves a {@link ReduceStreamer}: results go out as the handler sends them.
     *
     * @param streamers called once per {@code (window, keys)} group, on the group's thread, for its instance
     * @param settings the engine's settings
     * @return the service
     */
    public static ReduceService streamer(Supplier<? extends ReduceStreamer> streamers, EngineSettings settings) {
        Objects.requireNonNull(streamers, "streamers");
        return new ReduceService(new TaskGroups((keys, metadata, output) -> datums -> {
            streamers.get().reduceStream(keys, datums, output, metadata);
            return null;
        }, true), settings);
    }

    @Override
    public StreamObserver<ReduceRequest> reduceFn(StreamObserver<ReduceResponse> responses) {
        return new ReduceStream<>((ServerCallStreamObserver<ReduceResponse>) responses, settings, reducer);
    }

    @Override
    public void isReady(Empty request, StreamObserver<ReadyResponse> response) {
        response.onNext(ReadyResponse.newBuilder().setReady(true).build());
        response.onCompleted();
    }
}
