package io.numaflow.reducer.engine;

import io.grpc.stub.ServerCallStreamObserver;

/**
 * gRPC inbound flow control for one stream: how many requests the stream may receive next.
 *
 * <p>Auto-request is off, so a message is only read from the transport once this class asked for it. It
 * keeps up to {@code window} requests outstanding while no group is paused, and asks for nothing while one
 * is: the client then runs out of HTTP/2 window and stops sending, instead of the server buffering without
 * bound. A group therefore holds at most its buffer size plus {@code window} datums.
 */
final class InboundFlow {

    private final ServerCallStreamObserver<?> call;
    private final int window;
    private int outstanding;
    private int pausedGroups;

    InboundFlow(ServerCallStreamObserver<?> call, int window) {
        this.call = call;
        this.window = window;
    }

    synchronized void start() {
        topUp();
    }

    /** One requested message was delivered. */
    synchronized void received() {
        outstanding--;
        topUp();
    }

    /** A group's buffer is full: ask for nothing until it has drained. */
    synchronized void pause() {
        pausedGroups++;
    }

    /** A group that paused the stream has drained, ended or been discarded. */
    synchronized void resume() {
        pausedGroups--;
        topUp();
    }

    // Requesting in half-window batches keeps the per-message cost of request() (a hop to the transport
    // thread) off the hot path.
    private void topUp() {
        if (pausedGroups == 0 && outstanding <= window / 2) {
            int more = window - outstanding;
            outstanding = window;
            call.request(more);
        }
    }
}
