package io.numaflow.reducer.test;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.numaflow.reducer.Accumulator;
import io.numaflow.reducer.Aggregator;
import io.numaflow.reducer.Datum;
import io.numaflow.reducer.Message;
import io.numaflow.reducer.Messages;
import io.numaflow.reducer.Metadata;
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

    /** Sums its group's values, read as decimal numbers; answers "count/sum" with the group's keys. */
    static Aggregator<long[]> summer() {
        return new Aggregator<>() {
            @Override
            public long[] create(List<String> keys, Metadata metadata) {
                return new long[2];
            }

            @Override
            public long[] add(long[] countAndSum, Datum datum) {
                countAndSum[0]++;
                countAndSum[1] += Long.parseLong(new String(datum.value(), UTF_8));
                return countAndSum;
            }

            @Override
            public Messages result(List<String> keys, long[] countAndSum, Metadata metadata) {
                return Messages.of(Message.of((countAndSum[0] + "/" + countAndSum[1]).getBytes(UTF_8), keys));
            }
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
