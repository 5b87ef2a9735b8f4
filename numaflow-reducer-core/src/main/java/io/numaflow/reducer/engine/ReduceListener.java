package io.numaflow.reducer.engine;

import java.time.Duration;

/**
 * What the engine tells an observer (metrics, logs) about its work, for every kind of reduce UDF. The engine's
 * unit of work is a group: a {@code (window, keys)} group of an aligned window ({@code Reducer},
 * {@code ReduceStreamer}), a session ({@code SessionReducer}), or a key run of an {@code Accumulator} (from the
 * platform opening a key to its closing it). Every method has a no-op default; implementations must be
 * thread-safe and fast: they run on transport and handler threads.
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
        /**
         * A request broke the protocol (e.g. no window, no payload, an unknown event, a session never opened):
         * the stream ended {@code INVALID_ARGUMENT}.
         */
        MALFORMED,
        /** The client cancelled, disconnected, or gRPC refused a message (e.g. oversize). */
        CANCELLED
    }

    /**
     * A stream started: a {@code ReduceFn} stream (aligned windows, usually one per window), or the long-lived
     * {@code SessionReduceFn} or {@code AccumulateFn} stream that carries every session or key.
     */
    default void streamOpened() {
    }

    /** A stream of any kind ended, however it ended (completed, failed, rejected or cancelled). */
    default void streamClosed() {
    }

    /** A datum reached its group: a {@code (window, keys)} group, a session or a key run. */
    default void datumReceived() {
    }

    /**
     * A group opened: a {@code (window, keys)} group, a session or a key run (its handler task was scheduled).
     */
    default void groupOpened() {
    }

    /** A group ended, however it ended (returned, threw, or cancelled before or while it ran). */
    default void groupClosed() {
    }

    /**
     * A handler call ended: the {@code Reducer}, {@code ReduceStreamer}, {@code SessionReducer} (with the
     * merging of the sessions it took over) or {@code Accumulator} call of one group.
     *
     * @param reducerTime from the call to its return or throw
     */
    default void reducerReturned(Duration reducerTime) {
    }

    /** A result was sent: a message a {@code Reducer} returned, or one a handler sent through its output. */
    default void resultSent() {
    }

    /**
     * An EOF was sent, after every result it follows: an aligned window's (once all its groups returned), a
     * session's, or a key run's. A session merged into another sends none.
     *
     * @param closeToEof from the close to the EOF: the half-close for an aligned window; a {@code CLOSE}
     *     request, or the half-close, for a session or a key run
     */
    default void windowCompleted(Duration closeToEof) {
    }

    /**
     * A handler of any kind threw: its stream ends with {@code INTERNAL}.
     *
     * @param window the group's window, for the log (never a payload): the aligned window's, the session's or
     *     the key run's
     * @param error what the handler threw
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
