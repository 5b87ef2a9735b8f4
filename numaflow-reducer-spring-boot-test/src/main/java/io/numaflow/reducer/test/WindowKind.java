package io.numaflow.reducer.test;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * How a reduce vertex groups datums into windows by event time: the {@code window} of a Numaflow pipeline's
 * reduce vertex. {@link ReduceClient#eventTime(WindowKind)} plays the platform's windowing for it.
 *
 * <ul>
 *   <li>{@link #fixed}: back-to-back windows of one length, aligned to the epoch (for {@code Reducer} and
 *       {@code ReduceStreamer});</li>
 *   <li>{@link #sliding}: windows of one length starting every {@code slide}, so a datum is in several (same
 *       kinds);</li>
 *   <li>{@link #session}: per keys, a window that grows while datums come closer than {@code gap} to each
 *       other (for {@code SessionReducer});</li>
 *   <li>{@link #accumulator}: per keys, one run that ends when the keys were idle for {@code timeout} (for
 *       {@code Accumulator}).</li>
 * </ul>
 */
public final class WindowKind {

    private final String description;
    private final Function<ReduceClient, EventTimeWindower> windower;

    private WindowKind(String description, Function<ReduceClient, EventTimeWindower> windower) {
        this.description = description;
        this.windower = windower;
    }

    /**
     * Fixed (tumbling) windows.
     *
     * @param length each window's length
     * @return the kind
     */
    public static WindowKind fixed(Duration length) {
        requirePositive(length, "length");
        return new WindowKind("fixed(" + length + ")", client -> new AlignedWindower(client, length, length));
    }

    /**
     * Sliding windows.
     *
     * @param length each window's length
     * @param slide how far apart window starts are; at most {@code length}
     * @return the kind
     */
    public static WindowKind sliding(Duration length, Duration slide) {
        requirePositive(length, "length");
        requirePositive(slide, "slide");
        if (slide.compareTo(length) > 0) {
            throw new IllegalArgumentException("slide " + slide + " is longer than the length " + length);
        }
        return new WindowKind("sliding(" + length + ", " + slide + ")",
                client -> new AlignedWindower(client, length, slide));
    }

    /**
     * Session windows.
     *
     * @param gap the idle time that ends a session (the vertex's session timeout)
     * @return the kind
     */
    public static WindowKind session(Duration gap) {
        requirePositive(gap, "gap");
        return new WindowKind("session(" + gap + ")", client -> new SessionWindower(client.sessions(), gap));
    }

    /**
     * Accumulator windows.
     *
     * @param timeout the idle time after which a key run is closed
     * @return the kind
     */
    public static WindowKind accumulator(Duration timeout) {
        requirePositive(timeout, "timeout");
        return new WindowKind("accumulator(" + timeout + ")",
                client -> new AccumulatorWindower(client.accumulator(timeout), timeout));
    }

    EventTimeWindower start(ReduceClient client) {
        return windower.apply(client);
    }

    @Override
    public String toString() {
        return description;
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero() || duration.toMillis() == 0) {
            throw new IllegalArgumentException(name + " must be at least 1ms, not " + duration);
        }
    }
}
