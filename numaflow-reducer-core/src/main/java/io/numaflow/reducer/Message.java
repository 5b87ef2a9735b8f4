package io.numaflow.reducer;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One result of a reducer, sent to the platform with the group's window.
 *
 * <p>Immutable: the value array is copied in and out, and the lists are unmodifiable copies.
 *
 * @param value the payload bytes
 * @param keys the keys the result is forwarded with (usually the group's keys)
 * @param tags the tags conditional forwarding routes on; {@link #toDrop()} tags a message to be dropped
 */
public record Message(byte[] value, List<String> keys, List<String> tags) {

    /** The tag the platform reads as "drop this message". */
    public static final String DROP = "U+005C__DROP__";

    /** Copies every argument; {@code null} reads as empty. */
    public Message {
        value = value == null ? new byte[0] : value.clone();
        keys = keys == null ? List.of() : List.copyOf(keys);
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /**
     * A message with no keys and no tags.
     *
     * @param value the payload
     * @return the message
     */
    public static Message of(byte[] value) {
        return new Message(value, List.of(), List.of());
    }

    /**
     * A message with keys and no tags.
     *
     * @param value the payload
     * @param keys the keys to forward it with
     * @return the message
     */
    public static Message of(byte[] value, List<String> keys) {
        return new Message(value, keys, List.of());
    }

    /**
     * A message the platform drops instead of forwarding.
     *
     * @return an empty message tagged {@value #DROP}
     */
    public static Message toDrop() {
        return new Message(new byte[0], List.of(), List.of(DROP));
    }

    /** Returns a copy of the payload: callers may change it freely. */
    @Override
    public byte[] value() {
        return value.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Message m
                && Arrays.equals(value, m.value)
                && keys.equals(m.keys)
                && tags.equals(m.tags);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(value), keys, tags);
    }

    @Override
    public String toString() {
        return "Message[value=" + value.length + " bytes, keys=" + keys + ", tags=" + tags + "]";
    }
}
