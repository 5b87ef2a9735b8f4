package io.numaflow.reducer.engine;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.DebugInfo;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a reducer's exception into the error every Numaflow SDK reports: an {@code INTERNAL} status whose
 * message is {@code UDF_EXECUTION_ERROR(<container>): <exception>}, with a {@code google.rpc.DebugInfo}
 * detail holding the stack trace, and, once per process, the same error persisted as JSON under
 * {@code <error-dir>/<container>/<unix-seconds>-udf.json} for the platform's UI.
 */
public final class UdfErrorReporter {

    /** The container name when {@code NUMAFLOW_UD_CONTAINER_TYPE} is not set. */
    public static final String UNKNOWN_CONTAINER = "unknown-container";

    private static final Logger log = LoggerFactory.getLogger(UdfErrorReporter.class);

    private final String container;
    private final Path errorDir;
    private final Clock clock;
    private final AtomicBoolean persisted = new AtomicBoolean();

    /**
     * @param container the UDF container's name, as the platform sets it in {@code NUMAFLOW_UD_CONTAINER_TYPE}
     * @param errorDir where the first error is persisted
     * @param clock the clock for the persisted error's timestamp
     */
    public UdfErrorReporter(String container, Path errorDir, Clock clock) {
        this.container = container == null || container.isBlank() ? UNKNOWN_CONTAINER : container;
        this.errorDir = errorDir;
        this.clock = clock;
    }

    /**
     * The container name the platform gives this process.
     *
     * @return {@code NUMAFLOW_UD_CONTAINER_TYPE}, or {@value #UNKNOWN_CONTAINER}
     */
    public static String containerFromEnvironment() {
        String value = System.getenv("NUMAFLOW_UD_CONTAINER_TYPE");
        return value == null || value.isBlank() ? UNKNOWN_CONTAINER : value;
    }

    /** The status that ends a stream whose reducer threw {@code error}; persists the first such error. */
    StatusRuntimeException report(Throwable error) {
        String message = "UDF_EXECUTION_ERROR(" + container + "): " + error;
        String stackTrace = stackTrace(error);
        DebugInfo debugInfo = DebugInfo.newBuilder()
                .addAllStackEntries(Arrays.asList(stackTrace.split("\\R")))
                .setDetail(stackTrace)
                .build();
        com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
                .setCode(Code.INTERNAL_VALUE)
                .setMessage(message)
                .addDetails(Any.pack(debugInfo))
                .build();
        if (persisted.compareAndSet(false, true)) {
            persist(message, stackTrace);
        }
        return StatusProto.toStatusRuntimeException(status);
    }

    // Written to a temp name and renamed, so the platform never reads half a file. Never fatal: the
    // error still reaches the platform on the wire.
    private void persist(String message, String details) {
        long seconds = clock.instant().getEpochSecond();
        try {
            Path dir = Files.createDirectories(errorDir.resolve(container));
            String json = "{\"container\":" + Json.quote(container)
                    + ",\"timestamp\":" + seconds
                    + ",\"code\":" + Json.quote(io.grpc.Status.Code.INTERNAL.name())
                    + ",\"message\":" + Json.quote(message)
                    + ",\"details\":" + Json.quote(details) + "}";
            Path temp = Files.createTempFile(dir, "current-", ".tmp");
            Files.writeString(temp, json, StandardCharsets.UTF_8);
            Files.move(temp, dir.resolve(seconds + "-udf.json"), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            log.warn("Could not persist the UDF error under {}: {}", errorDir, e.toString());
        }
    }

    private static String stackTrace(Throwable error) {
        StringWriter out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
