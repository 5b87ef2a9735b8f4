package io.numaflow.reducer;

import java.util.Objects;

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
     * @param source the input datum the output stands for: its id, event time, watermark and headers are sent;
     *     not {@code null}
     * @param message the output's value, keys and tags; not {@code null}
     * @throws NullPointerException if {@code source} or {@code message} is {@code null}
     * @throws IllegalStateException after the handler returned, or after its stream ended
     */
    void send(Datum source, Message message);

    /**
     * Sends a datum on unchanged (its value and keys), e.g. once it is in event-time order.
     *
     * @param datum the input datum, not {@code null}
     * @throws NullPointerException if {@code datum} is {@code null}
     * @throws IllegalStateException after the handler returned, or after its stream ended
     */
    default void forward(Datum datum) {
        Objects.requireNonNull(datum, "datum must not be null");
        send(datum, Message.of(datum.value(), datum.keys()));
    }
}
