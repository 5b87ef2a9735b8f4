package io.numaflow.reducer;

/**
 * Where a streaming handler ({@link ReduceStreamer}, {@link SessionReducer}) sends its results: each one goes
 * to the platform at once, with the handler's window, instead of waiting for the window to close.
 *
 * <p>Thread-safe: a handler may send from any thread while it runs. {@code send} blocks while the platform is
 * not reading (gRPC flow control), so a handler that produces faster than the platform consumes is slowed
 * down instead of filling the heap.
 */
public interface Output {

    /**
     * Sends one result to the platform.
     *
     * @param message the result, not {@code null}
     * @throws NullPointerException if {@code message} is {@code null}
     * @throws IllegalStateException after the handler returned, or after its stream ended (cancelled by the
     *     platform, or failed)
     */
    void send(Message message);
}
