package io.numaflow.reducer.test.aggregatorapp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.numaflow.reducer.Message;
import io.numaflow.reducer.autoconfigure.NumaflowReducerProperties;
import io.numaflow.reducer.autoconfigure.ReducerSelection;
import io.numaflow.reducer.autoconfigure.UdfKind;
import io.numaflow.reducer.test.AutoConfigureReduceClient;
import io.numaflow.reducer.test.ReduceClient;
import io.numaflow.reducer.test.WindowKind;
import io.numaflow.reducer.test.WindowResult;
import io.numaflow.reducer.test.WindowedResults;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/** The annotation serves whichever kind the application declares: here an Aggregator bean. */
@SpringBootTest
@AutoConfigureReduceClient
class MaxReadingTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Autowired
    ReduceClient platform;

    @Autowired
    ReducerSelection selection;

    @Autowired
    NumaflowReducerProperties properties;

    @Test
    void theClientIsConnectedToTheAggregator() {
        assertThat(selection.kind()).isEqualTo(UdfKind.AGGREGATOR);
        assertThat(platform.socket()).isEqualTo(properties.socketPathFor(UdfKind.AGGREGATOR));
    }

    @Test
    void answersTheLargestReadingOfEachKey() {
        WindowResult result = platform.window(T0, Duration.ofMinutes(1))
                .send(List.of("sensor-a"), "17".getBytes(UTF_8))
                .send(List.of("sensor-b"), "-3".getBytes(UTF_8))
                .send(List.of("sensor-a"), "42".getBytes(UTF_8))
                .send(List.of("sensor-a"), "8".getBytes(UTF_8))
                .close();

        assertThat(result.messages(List.of("sensor-a"))).extracting(Message::value)
                .containsExactly("42".getBytes(UTF_8));
        assertThat(result.messages(List.of("sensor-b"))).extracting(Message::value)
                .containsExactly("-3".getBytes(UTF_8));
    }

    @Test
    void answersEachFixedWindowByEventTime() {
        WindowedResults results = platform.eventTime(WindowKind.fixed(Duration.ofMinutes(1)))
                .send(List.of("sensor-a"), "5".getBytes(UTF_8), T0.plusSeconds(10))
                .send(List.of("sensor-a"), "9".getBytes(UTF_8), T0.plusSeconds(50))
                .send(List.of("sensor-a"), "2".getBytes(UTF_8), T0.plusSeconds(70)) // the next minute
                .close();

        assertThat(results.windows()).extracting(window -> new String(window.messages().get(0).value(), UTF_8))
                .containsExactly("9", "2");
    }
}
