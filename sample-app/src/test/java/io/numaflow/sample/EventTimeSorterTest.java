package io.numaflow.sample;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.numaflow.reducer.Datum;
import io.numaflow.reducer.test.AccumulatedMessage;
import io.numaflow.reducer.test.AccumulatorResults;
import io.numaflow.reducer.test.AccumulatorStream;
import io.numaflow.reducer.test.AutoConfigureReduceClient;
import io.numaflow.reducer.test.ReduceClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/** The sample's event-time sorter ({@code sample.style=sorter}) over the real socket, driven as the platform does. */
@SpringBootTest(properties = {"sample.style=sorter", "server.port=0"})
@AutoConfigureReduceClient
class EventTimeSorterTest {

    @Autowired
    ReduceClient platform;

    @Test
    void eachKeyComesOutInEventTimeOrderAsTheWatermarkPassesThenItsEof() {
        AccumulatorStream stream = platform.accumulator();
        Random random = new Random(11);
        List<String> sensors = List.of("a", "b");
        for (String sensor : sensors) {
            List<Long> eventTimes = new ArrayList<>();
            for (long t = 0; t < 40; t++) {
                eventTimes.add(t * 1_000);
            }
            for (int block = 0; block < 40; block += 4) { // shuffled, late by at most 3 s
                Collections.shuffle(eventTimes.subList(block, block + 4), random);
            }
            long newest = 0;
            for (long eventTime : eventTimes) {
                newest = Math.max(newest, eventTime);
                stream.append(new Datum(List.of(sensor), Long.toString(eventTime).getBytes(UTF_8),
                        Instant.ofEpochMilli(eventTime), Instant.ofEpochMilli(newest - 3_000), Map.of(),
                        sensor + "@" + eventTime));
            }
        }
        sensors.forEach(sensor -> stream.close(List.of(sensor)));

        AccumulatorResults results = stream.finish();

        assertThat(results.runs()).hasSize(2);
        for (String sensor : sensors) {
            List<AccumulatedMessage> outputs = results.outputs(List.of(sensor));
            List<Long> order = outputs.stream()
                    .map(output -> Long.parseLong(new String(output.message().value(), UTF_8))).toList();
            assertThat(order).hasSize(40).isSorted().doesNotHaveDuplicates();
            assertThat(outputs).allSatisfy(output -> assertThat(output.id()).as("anchored to its source datum")
                    .isEqualTo(sensor + "@" + new String(output.message().value(), UTF_8)));
        }
    }
}
