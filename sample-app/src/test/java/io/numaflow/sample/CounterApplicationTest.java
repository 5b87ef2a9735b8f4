package io.numaflow.sample;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.numaflow.reducer.Message;
import io.numaflow.reducer.test.AlignedWindow;
import io.numaflow.reducer.test.AutoConfigureReduceClient;
import io.numaflow.reducer.test.ReduceClient;
import io.numaflow.reducer.test.WindowResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.context.ApplicationContext;

/** The sample app as deployed: the counter driven as the platform drives it, and what an operator scrapes. */
class CounterApplicationTest {

    /** One window: five datums of key "a", one of key "b". */
    static WindowResult countWindow(ReduceClient platform) {
        AlignedWindow window = platform.window(Instant.parse("2026-01-01T00:00:00Z"), Duration.ofMinutes(1));
        for (int i = 0; i < 5; i++) {
            window.send(List.of("a"), "v".getBytes(UTF_8));
        }
        return window.send(List.of("b"), "v".getBytes(UTF_8)).close();
    }

    static String text(Message message) {
        return new String(message.value(), UTF_8);
    }

    @Nested
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    @AutoConfigureObservability // tests turn metric exporters off unless asked: this is the Prometheus one
    @AutoConfigureReduceClient
    class FunctionStyle {

        @Autowired
        ReduceClient platform;

        @Autowired
        TestRestTemplate http;

        @Test
        void countsEachGroupAndIsScrapedAndHealthy() {
            WindowResult result = countWindow(platform);

            assertThat(result.messages(List.of("a"))).extracting(CounterApplicationTest::text).containsExactly(
                    "counter:5 interval_window_start:2026-01-01T00:00:00Z interval_window_end:2026-01-01T00:01:00Z");
            assertThat(result.messages(List.of("b"))).extracting(CounterApplicationTest::text).containsExactly(
                    "counter:1 interval_window_start:2026-01-01T00:00:00Z interval_window_end:2026-01-01T00:01:00Z");

            String scrape = http.getForObject("/actuator/prometheus", String.class);
            assertThat(scrape).contains("numaflow_reducer_datums_received_total 6.0",
                    "numaflow_reducer_results_sent_total 2.0", "numaflow_reducer_windows_completed_total 1.0",
                    "numaflow_reducer_streams_active 0.0", "numaflow_reducer_window_close_to_eof_seconds_count 1",
                    "numaflow_reducer_group_duration_seconds_count 2", "numaflow_reducer_udf_errors_total 0.0",
                    "numaflow_reducer_streams_rejected_total{reason=\"malformed\"} 0.0");
            assertThat(http.getForObject("/actuator/health/reducer", String.class))
                    .contains("\"status\":\"UP\"", "\"phase\":\"serving\"");
        }
    }

    @Nested
    @SpringBootTest(properties = {"sample.style=class", "server.port=0"})
    @AutoConfigureReduceClient
    class ClassStyle {

        @Autowired
        ApplicationContext context;

        @Autowired
        ReduceClient platform;

        @Test
        void aPrototypeStatefulCounterPerGroupGivesTheSameCounts() {
            assertThat(context.getBeanNamesForType(io.numaflow.reducer.Reducer.class))
                    .containsExactly("statefulCounter");

            WindowResult result = countWindow(platform);

            assertThat(result.messages()).extracting(CounterApplicationTest::text)
                    .extracting(text -> text.substring(0, text.indexOf(' ')))
                    .containsExactlyInAnyOrder("counter:5", "counter:1");
        }
    }
}
