package io.numaflow.sample.aggregator;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.numaflow.reducer.Aggregator;
import io.numaflow.reducer.Datum;
import io.numaflow.reducer.Message;
import io.numaflow.reducer.Messages;
import io.numaflow.reducer.Metadata;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Count, sum, minimum and maximum of each key's readings per window, as an {@link Aggregator}
 * ({@code sample.style=aggregator}) for a fixed or sliding window: each reading is folded into its group's
 * {@link ReadingStats} as it arrives, with no thread and no buffered readings per group, and the statistics
 * become the group's one result when the window closes. A singleton: the state lives in {@code ReadingStats},
 * one per {@code (window, keys)} group.
 */
@Component
@ConditionalOnProperty(name = "sample.style", havingValue = "aggregator")
public class ReadingStatsAggregator implements Aggregator<ReadingStats> {

    @Override
    public ReadingStats create(List<String> keys, Metadata metadata) {
        return new ReadingStats();
    }

    @Override
    public ReadingStats add(ReadingStats stats, Datum datum) {
        stats.add(datum.value());
        return stats;
    }

    @Override
    public Messages result(List<String> keys, ReadingStats stats, Metadata metadata) {
        return Messages.of(Message.of(stats.text().getBytes(UTF_8), keys));
    }
}
