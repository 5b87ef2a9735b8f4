package io.numaflow.reducer.test.aggregatorapp;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.numaflow.reducer.Aggregator;
import io.numaflow.reducer.Datum;
import io.numaflow.reducer.Message;
import io.numaflow.reducer.Messages;
import io.numaflow.reducer.Metadata;
import java.util.List;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/** A user's application serving an Aggregator: the largest reading per key (a singleton: state in a long[]). */
@SpringBootApplication
class MaxReadingApplication {

    @Bean
    Aggregator<long[]> maxReading() {
        return new Aggregator<>() {
            @Override
            public long[] create(List<String> keys, Metadata metadata) {
                return new long[] {Long.MIN_VALUE};
            }

            @Override
            public long[] add(long[] max, Datum datum) {
                max[0] = Math.max(max[0], Long.parseLong(new String(datum.value(), UTF_8)));
                return max;
            }

            @Override
            public Messages result(List<String> keys, long[] max, Metadata metadata) {
                return Messages.of(Message.of(Long.toString(max[0]).getBytes(UTF_8), keys));
            }
        };
    }
}
