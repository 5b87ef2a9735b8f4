package io.numaflow.reducer.test;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.numaflow.reducer.Accumulator;
import io.numaflow.reducer.Datum;
import io.numaflow.reducer.Message;
import io.numaflow.reducer.Messages;
import io.numaflow.reducer.Output;
import io.numaflow.reducer.ReduceStreamer;
import io.numaflow.reducer.Reducer;
import io.numaflow.reducer.SessionReducer;
import java.util.List;

/** Small UDFs of each kind, as a user would write them. */
final class Udfs {

    private Udfs() {
    }

    /** Counts its group's datums; answers "count" with the group's keys. */
    static Reducer counter() {
        return (keys, datums, metadata) -> {
            long count = 0;
            for (Datum ignored : datums) {
                count++;
            }
            return Messages.of(Message.of(Long.toString(count).getBytes(UTF_8), keys));
        };
    }

    /** Echoes every datum at once, upper-cased. */
    static ReduceStreamer upperCaseEcho() {
        return (keys, datums, output, metadata) -> {
            for (Datum datum : datums) {
                output.send(Message.of(new String(datum.value(), UTF_8).toUpperCase().getBytes(UTF_8), keys));
            }
        };
    }

    /** Counts a session's datums, merged sessions' counts included; answers the count when the session closes. */
    static final class SessionCounter implements SessionReducer {
        private long count;

        @Override
        public void sessionReduce(List<String> keys, Iterable<Datum> datums, Output output) {
            for (Datum ignored : datums) {
                count++;
            }
            output.send(Message.of(Long.toString(count).getBytes(UTF_8), keys));
        }

        @Override
        public byte[] accumulator() {
            return Long.toString(count).getBytes(UTF_8);
        }

        @Override
        public void mergeAccumulator(byte[] accumulator) {
            count += Long.parseLong(new String(accumulator, UTF_8));
        }
    }

    /** Forwards every datum unchanged. */
    static Accumulator forwarder() {
        return (keys, datums, output) -> {
            for (Datum datum : datums) {
                output.forward(datum);
            }
        };
    }

    static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }

    static String text(Message message) {
        return new String(message.value(), UTF_8);
    }

    static String text(Datum datum) {
        return new String(datum.value(), UTF_8);
    }
}
