package io.numaflow.reducer.autoconfigure;

import io.grpc.BindableService;
import io.numaflow.reducer.Accumulator;
import io.numaflow.reducer.Aggregator;
import io.numaflow.reducer.ReduceStreamer;
import io.numaflow.reducer.Reducer;
import io.numaflow.reducer.SessionReducer;
import io.numaflow.reducer.engine.AccumulatorService;
import io.numaflow.reducer.engine.EngineSettings;
import io.numaflow.reducer.engine.ReduceService;
import io.numaflow.reducer.engine.SessionReduceService;
import io.numaproj.numaflow.accumulator.v1.AccumulatorGrpc;
import io.numaproj.numaflow.reduce.v1.ReduceGrpc;
import io.numaproj.numaflow.sessionreduce.v1.SessionReduceGrpc;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The kinds of reduce UDF the platform runs (aligned windows with results at the close or as they come,
 * session windows, accumulators): the bean type a user declares, the socket and server-info file the platform
 * looks for, the platform version it needs, and the gRPC service that serves it. An {@link Aggregator} is a
 * {@link Reducer} to the platform (the same socket, handshake and service), served another way.
 */
public enum UdfKind {

    /** Fixed and sliding windows: results when the window closes. */
    REDUCER(Reducer.class, "reduce.sock", "reducer-server-info", "1.4.0-z", ReduceGrpc.SERVICE_NAME),
    /** Fixed and sliding windows with {@code streaming: true}: results as they are produced. */
    REDUCE_STREAMER(ReduceStreamer.class, "reducestream.sock", "reducestreamer-server-info", "1.4.0-z",
            ReduceGrpc.SERVICE_NAME),
    /** Session windows. */
    SESSION_REDUCER(SessionReducer.class, "sessionreduce.sock", "sessionreducer-server-info", "1.4.0-z",
            SessionReduceGrpc.SERVICE_NAME),
    /** Accumulator windows (platform 1.5+). */
    ACCUMULATOR(Accumulator.class, "accumulator.sock", "accumulator-server-info", "1.5.0-z",
            AccumulatorGrpc.SERVICE_NAME),
    /**
     * Fixed and sliding windows, each datum folded into its group's state as it arrives: to the platform, the
     * same UDF as a {@link #REDUCER}.
     */
    AGGREGATOR(Aggregator.class, "reduce.sock", "reducer-server-info", "1.4.0-z", ReduceGrpc.SERVICE_NAME);

    private static final Path PLATFORM_DIR = Path.of("/var/run/numaflow");

    private final Class<?> beanType;
    private final String socketName;
    private final String serverInfoName;
    private final String minimumNumaflowVersion;
    private final String grpcServiceName;

    UdfKind(Class<?> beanType, String socketName, String serverInfoName, String minimumNumaflowVersion,
            String grpcServiceName) {
        this.beanType = beanType;
        this.socketName = socketName;
        this.serverInfoName = serverInfoName;
        this.minimumNumaflowVersion = minimumNumaflowVersion;
        this.grpcServiceName = grpcServiceName;
    }

    /**
     * The interface a bean of this kind implements.
     *
     * @return e.g. {@code Reducer.class}
     */
    public Class<?> beanType() {
        return beanType;
    }

    /**
     * Where the platform connects to this kind.
     *
     * @return e.g. {@code /var/run/numaflow/reduce.sock}
     */
    public Path defaultSocketPath() {
        return PLATFORM_DIR.resolve(socketName);
    }

    /**
     * Where the platform reads this kind's handshake.
     *
     * @return e.g. {@code /var/run/numaflow/reducer-server-info}
     */
    public Path defaultServerInfoFile() {
        return PLATFORM_DIR.resolve(serverInfoName);
    }

    /**
     * The oldest platform that runs this kind, as the server-info file states it.
     *
     * @return e.g. {@code 1.4.0-z}
     */
    public String minimumNumaflowVersion() {
        return minimumNumaflowVersion;
    }

    /**
     * The gRPC service's full name, e.g. for {@code grpc.health.v1}.
     *
     * @return e.g. {@code reduce.v1.Reduce}
     */
    public String grpcServiceName() {
        return grpcServiceName;
    }

    /** The gRPC service that serves {@code instances} (each of this kind's bean type). */
    @SuppressWarnings("unchecked")
    BindableService service(Supplier<?> instances, EngineSettings settings) {
        return switch (this) {
            case REDUCER -> ReduceService.reducer((Supplier<Reducer>) instances, settings);
            case REDUCE_STREAMER -> ReduceService.streamer((Supplier<ReduceStreamer>) instances, settings);
            case SESSION_REDUCER -> new SessionReduceService((Supplier<SessionReducer>) instances, settings);
            case ACCUMULATOR -> new AccumulatorService((Supplier<Accumulator>) instances, settings);
            case AGGREGATOR -> ReduceService.aggregator((Supplier<Aggregator<?>>) instances, settings);
        };
    }
}
