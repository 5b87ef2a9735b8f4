package io.numaflow.reducer.autoconfigure;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.nio.file.Path;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Configuration of the Numaflow reduce UDF server, under {@code numaflow.reducer}. The defaults are the
 * platform's; a Numaflow deployment needs none of these set.
 *
 * @param enabled Whether to serve the reduce UDF bean (Reducer, ReduceStreamer, SessionReducer, Accumulator or
 *     Aggregator) at all
 * @param socketPath The Unix domain socket the gRPC server binds, at most 107 bytes long; by default the served
 *     kind's: /var/run/numaflow/reduce.sock, reducestream.sock, sessionreduce.sock or accumulator.sock
 * @param serverInfoFile The handshake file the platform reads once the server is up; by default the served
 *     kind's: /var/run/numaflow/reducer-server-info, reducestreamer-server-info, sessionreducer-server-info or
 *     accumulator-server-info
 * @param maxMessageSize The largest gRPC message the server accepts; larger requests fail with
 *     RESOURCE_EXHAUSTED
 * @param maxThreads Threads of the gRPC server's executor (transport callbacks, where an Aggregator runs; other
 *     kinds' handlers run elsewhere); values above 16 are capped at 16
 * @param virtualThreads Whether handlers (one task per group, session or accumulator key run) run on virtual
 *     threads on Java 21+; false runs them on platform threads, as on Java 17: a thread of its own for each
 *     open unit whose output is read while it is open, a pool of 256 for Reducer groups
 * @param shutdownGracePeriod On shutdown, how long in-flight windows get to finish
 * @param beanName Which bean to serve when there are several of the reduce family and none is @Primary
 * @param errorDir Where the first UDF error of the process is persisted for the platform's UI
 */
@ConfigurationProperties("numaflow.reducer")
@Validated
public record NumaflowReducerProperties(
        @DefaultValue("true") boolean enabled,
        Path socketPath,
        Path serverInfoFile,
        @NotNull @Positive @DefaultValue("64MB") DataSize maxMessageSize,
        @Min(1) @DefaultValue("4") int maxThreads,
        @DefaultValue("true") boolean virtualThreads,
        @NotNull @DurationMin(nanos = 0) @DefaultValue("60s") Duration shutdownGracePeriod,
        String beanName,
        @NotNull @DefaultValue("/var/numaflow/runtime/application-errors") Path errorDir) {

    /** More transport threads than this only add contention: the platform uses one connection. */
    public static final int MAX_THREADS_CAP = 16;

    /**
     * The socket to bind for the served kind.
     *
     * @param kind the served bean's kind
     * @return {@code socket-path} if set, else the kind's platform default
     */
    public Path socketPathFor(UdfKind kind) {
        return socketPath != null ? socketPath : kind.defaultSocketPath();
    }

    /**
     * The server-info file to write for the served kind.
     *
     * @param kind the served bean's kind
     * @return {@code server-info-file} if set, else the kind's platform default
     */
    public Path serverInfoFileFor(UdfKind kind) {
        return serverInfoFile != null ? serverInfoFile : kind.defaultServerInfoFile();
    }
}
