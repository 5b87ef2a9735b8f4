package io.numaflow.reducer.wire;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.numaflow.reducer.Aggregator;
import io.numaflow.reducer.Datum;
import io.numaflow.reducer.Message;
import io.numaflow.reducer.Messages;
import io.numaflow.reducer.Metadata;
import java.util.List;

/** The seed's counter as an {@link Aggregator}: one result per group, {@code counter:<n>}, with the group's keys. */
public class CountingAggregator implements Aggregator<long[]> {

    @Override
    public long[] create(List<String> keys, Metadata metadata) {
        return new long[1];
    }

    @Override
    public long[] add(long[] count, Datum datum) {
        count[0]++;
        return count;
    }

    @Override
    public Messages result(List<String> keys, long[] count, Metadata metadata) {
        return counted(keys, count[0]);
    }

    /** The counter's result for a group of {@code count} datums. */
    public static Messages counted(List<String> keys, long count) {
        return Messages.of(Message.of(("counter:" + count).getBytes(UTF_8), keys));
    }
}
