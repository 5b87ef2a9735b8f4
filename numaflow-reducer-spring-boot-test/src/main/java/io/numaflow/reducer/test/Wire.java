package io.numaflow.reducer.test;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import java.time.Instant;
import java.util.List;

/** Conversions between the protocol's messages and what a test reads, and how violations describe them. */
final class Wire {

    private Wire() {
    }

    static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    static Instant instant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }

    static String describe(Timestamp start, Timestamp end, String slot, List<String> keys) {
        return "[" + instant(start) + ", " + instant(end) + ")" + (keys == null ? "" : " keys=" + keys)
                + " slot=\"" + slot + "\"";
    }

    /** A result's value for a failure message: its text when it is short, else its size. */
    static String describe(ByteString value) {
        return value.size() <= 64 && value.isValidUtf8() ? "\"" + value.toStringUtf8() + "\"" : value.size() + " bytes";
    }
}
