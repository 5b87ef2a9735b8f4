package io.numaflow.reducer;

import java.util.Objects;

/**
 * A window of event time, {@code [start, end)}.
 *
 * @param start the window's start (inclusive)
 * @param end the window's end (exclusive)
 */
public record IntervalWindow(java.time.Instant start, java.time.Instant end) {

    /** Requires both bounds. */
    public IntervalWindow {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
    }
}
