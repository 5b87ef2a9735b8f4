package io.numaflow.reducer.engine;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Timestamp;
import com.google.protobuf.UnsafeByteOperations;
import io.numaflow.reducer.Datum;
import io.numaflow.reducer.IntervalWindow;
import io.numaflow.reducer.Message;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest.WindowOperation.Event;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.Window;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Translation between the {@code reduce.v1} wire messages and the public API, the checks every {@code ReduceFn}
 * request must pass (a known event, exactly one window, a payload unless it is a CLOSE), and the conversions
 * every kind's protocol shares.
 */
final class WireFormat {

    private WireFormat() {
    }

    /**
     * What is wrong with a request, if anything.
     *
     * @return a message for an {@code INVALID_ARGUMENT} status, or {@code null} for a valid request
     */
    static String problemWith(ReduceRequest request) {
        ReduceRequest.WindowOperation operation = request.getOperation();
        Event event = operation.getEvent();
        if (event == Event.UNRECOGNIZED) {
            return unknownEvent(operation.getEventValue(), Event.getDescriptor());
        }
        int windows = operation.getWindowsCount();
        if (windows != 1) {
            return event + " request has " + (windows == 0 ? "no window" : windows + " windows")
                    + ": every request must carry exactly one window";
        }
        if (event != Event.CLOSE && !request.hasPayload()) {
            return event + " request has no payload";
        }
        return null;
    }

    /**
     * The problem with an event number a kind's protocol does not have, naming the events it has.
     *
     * @param number the number received
     * @param events the kind's {@code WindowOperation.Event} enum
     * @return e.g. {@code unknown window operation event 7: expected OPEN (0), CLOSE (1) or APPEND (4)}
     */
    static String unknownEvent(int number, Descriptors.EnumDescriptor events) {
        List<String> expected = events.getValues().stream().map(v -> v.getName() + " (" + v.getNumber() + ")").toList();
        return "unknown window operation event " + number + ": expected "
                + String.join(", ", expected.subList(0, expected.size() - 1)) + " or " + expected.get(expected.size() - 1);
    }

    /**
     * The payload as a datum of the group whose (immutable) key list is {@code groupKeys}: the datum shares
     * it instead of copying the payload's keys once per datum.
     */
    static Datum datum(ReduceRequest.Payload payload, List<String> groupKeys) {
        return datum(groupKeys, payload.getValue(), payload.getEventTime(), payload.getWatermark(),
                payload.getHeadersMap(), "");
    }

    /** A datum of any kind's payload; an absent timestamp reads as {@link Instant#EPOCH}. */
    static Datum datum(List<String> groupKeys, ByteString value, Timestamp eventTime, Timestamp watermark,
            Map<String, String> headers, String id) {
        return new Datum(groupKeys, value.toByteArray(), instant(eventTime), instant(watermark), headers, id);
    }

    static IntervalWindow intervalWindow(Window window) {
        return new IntervalWindow(instant(window.getStart()), instant(window.getEnd()));
    }

    static ReduceResponse result(Message message, Window window) {
        ReduceResponse.Result result = ReduceResponse.Result.newBuilder()
                .addAllKeys(message.keys())
                .setValue(value(message))
                .addAllTags(message.tags())
                .build();
        return ReduceResponse.newBuilder().setResult(result).setWindow(window).build();
    }

    /** A message's value as every kind's response carries it. */
    static ByteString value(Message message) {
        // value() already returns a private copy: wrapping it saves a second one.
        return UnsafeByteOperations.unsafeWrap(message.value());
    }

    static ReduceResponse endOfWindow(Window window) {
        return ReduceResponse.newBuilder().setWindow(window).setEOF(true).build();
    }

    /**
     * The instant of a timestamp. An absent one is the default instance, 0 seconds: {@link Instant#EPOCH}, which
     * is how the platform marks an event time or watermark it did not set. One beyond what {@code Instant} holds
     * (the platform's "end of time" for an accumulator window) reads as {@link Instant#MAX} or
     * {@link Instant#MIN}: it is never rejected.
     */
    static Instant instant(Timestamp timestamp) {
        long seconds = timestamp.getSeconds();
        if (seconds > Instant.MAX.getEpochSecond()) {
            return Instant.MAX;
        }
        if (seconds < Instant.MIN.getEpochSecond()) {
            return Instant.MIN;
        }
        return Instant.ofEpochSecond(seconds, timestamp.getNanos());
    }

    /** Orders two timestamps as the instants they stand for. */
    static int compare(Timestamp a, Timestamp b) {
        return a.getSeconds() != b.getSeconds() ? Long.compare(a.getSeconds(), b.getSeconds())
                : Integer.compare(a.getNanos(), b.getNanos());
    }

    static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
