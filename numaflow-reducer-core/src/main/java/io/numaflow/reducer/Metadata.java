package io.numaflow.reducer;

import java.util.Objects;

/**
 * What a {@link Reducer} knows of its group besides keys and datums.
 *
 * @param intervalWindow the group's window
 */
public record Metadata(IntervalWindow intervalWindow) {

    /** Requires the window. */
    public Metadata {
        Objects.requireNonNull(intervalWindow, "intervalWindow");
    }
}
