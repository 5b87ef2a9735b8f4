package io.numaflow.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.numaflow.reducer.test.AccumulatorClient;
import io.numaflow.reducer.test.AccumulatorClient.KeyStream;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.AccumulatorResponse;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.KeyedWindow;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The sample's event-time sorter ({@code sample.style=sorter}) over the real socket, driven as the platform does. */
@SpringBootTest(properties = "sample.style=sorter")
class EventTimeSorterTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        CounterApplicationTest.paths(registry, "sorter");
    }

    @Test
    void eachKeyComesOutInEventTimeOrderAsTheWatermarkPassesThenItsEof() throws Exception {
        try (AccumulatorClient client = new AccumulatorClient(CounterApplicationTest.DIR.resolve("sorter.sock"))) {
            KeyStream stream = client.open();
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
                    stream.datum(List.of(sensor), Long.toString(eventTime), eventTime, newest - 3_000,
                            sensor + "@" + eventTime);
                }
            }
            List<KeyedWindow> closes = new ArrayList<>();
            sensors.forEach(sensor -> closes.add(stream.closeKey(List.of(sensor))));

            List<AccumulatorResponse> responses = stream.closeAndAwait();

            for (int s = 0; s < sensors.size(); s++) {
                List<String> keys = List.of(sensors.get(s));
                List<AccumulatorResponse> ofKey = responses.stream()
                        .filter(r -> r.getWindow().getKeysList().equals(keys)).toList();
                assertThat(ofKey).hasSize(41);
                List<Long> order = ofKey.subList(0, 40).stream().map(r -> Long.parseLong(AccumulatorClient.text(r)))
                        .toList();
                assertThat(order).isSorted().doesNotHaveDuplicates().hasSize(40);
                assertThat(ofKey.subList(0, 40)).allSatisfy(r -> assertThat(r.getPayload().getId())
                        .as("anchored to its source datum").isEqualTo(keys.get(0) + "@" + AccumulatorClient.text(r)));
                assertThat(ofKey.get(40).getEOF()).isTrue();
                assertThat(ofKey.get(40).getWindow()).isEqualTo(closes.get(s));
            }
        }
    }
}
