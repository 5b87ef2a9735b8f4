package io.numaflow.reducer;

/**
 * Where an {@link Accumulator} sends its outputs. Every output is anchored to an input datum: it goes to the
 * platform with that datum's id (which the platform uses to de-duplicate outputs after a restart), event time,
 * watermark and headers, and the message's value, keys and tags.
 *
 * <p>Thread-safe. {@code send} blocks while the platform is not reading (gRPC flow control).
 */
public interface AccumulatorOutput {

    /**
     * Sends one output anchored to {@code source}.
     *
     * @param source the input datum the output stands for: its id, event time, watermark and headers are sent
     * @param message the output's value, keys and tags
     * @throws IllegalStateException after the handler returned, or after its stream ended
     */
    void send(Datum source, Message message);

    /**
     * Sends a datum on unchanged (its value and keys), e.g. once it is in event-time order.
     *
     * @param datum the input datum
     * @throws IllegalStateException after the handler returned, or after its stream ended
     */
    default void forward(Datum datum) {
        send(datum, Message.of(datum.value(), datum.keys()));
    }
}
