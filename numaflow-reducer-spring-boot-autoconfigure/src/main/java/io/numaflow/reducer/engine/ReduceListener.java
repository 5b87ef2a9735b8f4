package io.numaflow.reducer.engine;

import java.time.Duration;

/**
 * What the engine tells an observer (metrics, logs) about its work. Every method has a no-op default;
 * implementations must be thread-safe and fast: they run on transport and reducer threads.
 */
public interface ReduceListener {

    /** The listener that ignores everything. */
    ReduceListener NONE = new ReduceListener() {
    };

    /**
     * One listener that tells each of {@code listeners}, in order. What one of them throws is logged and
     * ignored: it never disturbs the engine or the other listeners.
     *
     * @param listeners the listeners
     * @return {@link #NONE} for none, else one that tells them all
     */
    static ReduceListener of(java.util.List<? extends ReduceListener> listeners) {
        return listeners.isEmpty() ? NONE : new CompositeReduceListener(java.util.List.copyOf(listeners));
    }

    /** Why a stream was refused or ended early by the engine or transport. */
    enum Rejection {
        /** A request failed the checks of SPEC section 2 ({@code INVALID_ARGUMENT}). */
        MALFORMED,
        /** The client cancelled, disconnected, or gRPC refused a message (e.g. oversize). */
        CANCELLED
    }

    /** A {@code ReduceFn} stream started. */
    default void streamOpened() {
    }

    /** A {@code ReduceFn} stream ended, however it ended. */
    default void streamClosed() {
    }

    /** A datum reached a group. */
    default void datumReceived() {
    }

    /** A group opened (its reducer task was scheduled). */
    default void groupOpened() {
    }

    /** A group ended, however it ended (returned, threw, or cancelled before or while it ran). */
    default void groupClosed() {
    }

    /**
     * A reducer call ended.
     *
     * @param reducerTime from the call to its return or throw
     */
    default void reducerReturned(Duration reducerTime) {
    }

    /** A result was sent. */
    default void resultSent() {
    }

    /**
     * A window's EOF was sent.
     *
     * @param closeToEof from the half-close that closed the window to its EOF
     */
    default void windowCompleted(Duration closeToEof) {
    }

    /**
     * A reducer threw: its stream ends with {@code INTERNAL}.
     *
     * @param window the group's window, for the log (never a payload)
     * @param error what the reducer threw
     */
    default void udfError(io.numaflow.reducer.IntervalWindow window, Throwable error) {
    }

    /**
     * A stream was refused or ended early.
     *
     * @param rejection why
     */
    default void streamRejected(Rejection rejection) {
    }
}
