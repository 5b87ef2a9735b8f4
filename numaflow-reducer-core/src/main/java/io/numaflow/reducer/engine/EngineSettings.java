package io.numaflow.reducer.engine;

import java.util.Objects;

/**
 * What every reduce service of the engine needs besides the user's handler.
 *
 * @param executor runs the handler tasks, never on gRPC transport threads
 * @param errors reports handler exceptions in the platform's format
 * @param listener observes the engine's work (metrics, logs); what it throws is logged and ignored
 * @param groupBuffer datums a group buffers before its stream is paused (gRPC flow control)
 * @param requestWindow requests a stream may have outstanding (asked for, not yet delivered) while no group
 *     is paused
 */
public record EngineSettings(GroupExecutor executor, UdfErrorReporter errors, ReduceListener listener,
        int groupBuffer, int requestWindow) {

    /** Datums a group buffers before its stream is paused. */
    public static final int DEFAULT_GROUP_BUFFER = 256;

    /** Requests a stream may have outstanding while no group is paused. */
    public static final int DEFAULT_REQUEST_WINDOW = 64;

    /** Requires every part; {@code groupBuffer >= 1} and {@code requestWindow >= 2}. */
    public EngineSettings {
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(errors, "errors");
        Objects.requireNonNull(listener, "listener");
        if (listener != ReduceListener.NONE && !(listener instanceof CompositeReduceListener)) {
            listener = ReduceListener.of(java.util.List.of(listener)); // what it throws stays out of the engine
        }
        if (groupBuffer < 1 || requestWindow < 2) {
            throw new IllegalArgumentException("groupBuffer must be >= 1 and requestWindow >= 2");
        }
    }

    /**
     * The settings with the default buffer and request window.
     *
     * @param executor runs the handler tasks
     * @param errors reports handler exceptions
     * @param listener observes the engine's work
     */
    public EngineSettings(GroupExecutor executor, UdfErrorReporter errors, ReduceListener listener) {
        this(executor, errors, listener, DEFAULT_GROUP_BUFFER, DEFAULT_REQUEST_WINDOW);
    }
}
