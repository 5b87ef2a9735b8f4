package io.numaflow.sample;

import static io.numaflow.reducer.wire.RawReduceDriver.window;
import static org.assertj.core.api.Assertions.assertThat;

import io.numaflow.reducer.wire.RawReduceDriver;
import io.numaflow.reducer.wire.RawReduceDriver.WindowStream;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.Window;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The sample app as deployed: the counter over the real socket, and what an operator scrapes. */
class CounterApplicationTest {

    static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("counter-app");
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static void paths(DynamicPropertyRegistry registry, String name) {
        registry.add("numaflow.reducer.socket-path", () -> DIR.resolve(name + ".sock").toString());
        registry.add("numaflow.reducer.server-info-file", () -> DIR.resolve(name + "-info").toString());
        registry.add("numaflow.reducer.error-dir", () -> DIR.resolve("errors").toString());
    }

    static List<ReduceResponse> countWindow(Path socket) throws Exception {
        try (RawReduceDriver client = new RawReduceDriver(socket)) {
            Window window = window(1_767_225_600_000L, 1_767_225_660_000L);
            WindowStream stream = client.open();
            for (int i = 0; i < 5; i++) {
                stream.send(window, List.of("a"), "v");
            }
            stream.send(window, List.of("b"), "v");
            return stream.closeAndAwait();
        }
    }

    @Nested
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    @AutoConfigureObservability // tests turn metric exporters off unless asked: this is the Prometheus one
    class FunctionStyle {

        @DynamicPropertySource
        static void properties(DynamicPropertyRegistry registry) {
            paths(registry, "function");
        }

        @Autowired
        TestRestTemplate http;

        @Test
        void countsEachGroupAndIsScrapedAndHealthy() throws Exception {
            List<ReduceResponse> responses = countWindow(DIR.resolve("function.sock"));

            assertThat(responses.subList(0, 2)).extracting(RawReduceDriver::text).containsExactlyInAnyOrder(
                    "counter:5 interval_window_start:2026-01-01T00:00:00Z interval_window_end:2026-01-01T00:01:00Z",
                    "counter:1 interval_window_start:2026-01-01T00:00:00Z interval_window_end:2026-01-01T00:01:00Z");
            assertThat(responses.get(2).getEOF()).isTrue();

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
    @SpringBootTest(properties = "sample.style=class")
    class ClassStyle {

        @DynamicPropertySource
        static void properties(DynamicPropertyRegistry registry) {
            paths(registry, "class");
            registry.add("server.port", () -> "0");
        }

        @Autowired
        org.springframework.context.ApplicationContext context;

        @Test
        void aPrototypeStatefulCounterPerGroupGivesTheSameCounts() throws Exception {
            assertThat(context.getBeanNamesForType(io.numaflow.reducer.Reducer.class))
                    .containsExactly("statefulCounter");

            List<ReduceResponse> responses = countWindow(DIR.resolve("class.sock"));

            assertThat(responses.subList(0, 2)).extracting(RawReduceDriver::text)
                    .extracting(text -> text.substring(0, text.indexOf(' ')))
                    .containsExactlyInAnyOrder("counter:5", "counter:1");
        }
    }
}
