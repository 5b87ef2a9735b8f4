package io.numaflow.reducer.engine;

/**
 * Whether a handler's output may still send: open while the handler runs; closed when it returns (a send then
 * is a bug in the handler: {@link IllegalStateException}); muted when its results no longer count (a session
 * merged into another), so that what it still sends is dropped quietly. The stream's own end is checked where
 * the response is written.
 */
final class OutputGate {

    private enum State { OPEN, MUTED, CLOSED }

    private volatile State state = State.OPEN;

    /**
     * Whether a send should go out.
     *
     * @return {@code true} to send, {@code false} to drop it
     * @throws IllegalStateException once the handler has returned
     */
    boolean admits() {
        State now = state;
        if (now == State.CLOSED) {
            throw new IllegalStateException("the handler has returned: its output is closed");
        }
        return now == State.OPEN;
    }

    void mute() {
        state = State.MUTED;
    }

    void close() {
        state = State.CLOSED;
    }

    /**
     * The handler with this gate closed as soon as it returns, before its result is seen by anyone.
     *
     * @param handler the user's code for one group
     * @return the same handler, closing this gate on its way out
     */
    <T> GroupTask.Handler<T> closingAfter(GroupTask.Handler<T> handler) {
        return datums -> {
            try {
                return handler.handle(datums);
            } finally {
                close();
            }
        };
    }
}
