package io.numaflow.reducer.test;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A session of a session window vertex: its keys and the time range it covers so far. The platform names a
 * session by this triple; when the session grows (EXPAND) or absorbs others (MERGE) it gets a new window.
 *
 * @param start the session's start
 * @param end the session's end (its last datum's event time plus the gap)
 * @param keys the keys of every datum in the session
 */
public record SessionWindow(Instant start, Instant end, List<String> keys) {

    /** Requires every part; {@code start} must not be after {@code end}. */
    public SessionWindow {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        keys = List.copyOf(keys);
        if (start.isAfter(end)) {
            throw new IllegalArgumentException("start " + start + " is after end " + end);
        }
    }

    /**
     * A session window.
     *
     * @param start the start
     * @param end the end
     * @param keys the keys
     * @return the window
     */
    public static SessionWindow of(Instant start, Instant end, String... keys) {
        return new SessionWindow(start, end, List.of(keys));
    }

    boolean overlaps(SessionWindow other) {
        return keys.equals(other.keys) && !start.isAfter(other.end) && !other.start.isAfter(end);
    }

    SessionWindow span(SessionWindow other) {
        return new SessionWindow(start.isBefore(other.start) ? start : other.start,
                end.isAfter(other.end) ? end : other.end, keys);
    }

    @Override
    public String toString() {
        return "[" + start + ", " + end + ") keys=" + keys;
    }
}
