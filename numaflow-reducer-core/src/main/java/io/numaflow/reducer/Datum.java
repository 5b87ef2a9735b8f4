package io.numaflow.reducer;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One message of a group, as the platform sent it.
 *
 * <p>Immutable: the value array is copied in and out, and the collections are unmodifiable copies.
 *
 * @param keys the message's keys (the group's keys)
 * @param value the payload bytes
 * @param eventTime the event time, {@link Instant#EPOCH} when the platform did not set one
 * @param watermark the watermark, {@link Instant#EPOCH} when the platform did not set one
 * @param headers the message headers
 * @param id the platform's id of the message, unique per message: an {@link Accumulator}'s outputs carry
 *     their source datum's id, which the platform uses to de-duplicate them; {@code ""} for the windowed
 *     kinds ({@link Reducer}, {@link ReduceStreamer}, {@link SessionReducer})
 */
public record Datum(List<String> keys, byte[] value, Instant eventTime, Instant watermark,
        Map<String, String> headers, String id) {

    /**
     * Copies every argument; {@code null} collections and times read as empty and {@link Instant#EPOCH}, a
     * {@code null} id as {@code ""}.
     */
    public Datum {
        keys = keys == null ? List.of() : List.copyOf(keys);
        value = value == null ? new byte[0] : value.clone();
        eventTime = eventTime == null ? Instant.EPOCH : eventTime;
        watermark = watermark == null ? Instant.EPOCH : watermark;
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        id = id == null ? "" : id;
    }

    /**
     * A datum without an id, as the windowed kinds receive them.
     *
     * @param keys the message's keys
     * @param value the payload bytes
     * @param eventTime the event time
     * @param watermark the watermark
     * @param headers the message headers
     */
    public Datum(List<String> keys, byte[] value, Instant eventTime, Instant watermark, Map<String, String> headers) {
        this(keys, value, eventTime, watermark, headers, "");
    }

    /** Returns a copy of the payload: callers may change it freely. */
    @Override
    public byte[] value() {
        return value.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Datum d
                && keys.equals(d.keys)
                && Arrays.equals(value, d.value)
                && eventTime.equals(d.eventTime)
                && watermark.equals(d.watermark)
                && headers.equals(d.headers)
                && id.equals(d.id);
    }

    @Override
    public int hashCode() {
        return Objects.hash(keys, Arrays.hashCode(value), eventTime, watermark, headers, id);
    }

    @Override
    public String toString() {
        return "Datum[keys=" + keys + ", value=" + value.length + " bytes, eventTime=" + eventTime
                + ", watermark=" + watermark + ", headers=" + headers.keySet() + ", id=" + id + "]";
    }
}
