package io.numaflow.sample.aggregator;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.numaflow.reducer.Message;
import io.numaflow.reducer.autoconfigure.NumaflowReducerProperties;
import io.numaflow.reducer.autoconfigure.UdfKind;
import io.numaflow.reducer.test.AlignedWindow;
import io.numaflow.reducer.test.ReduceClient;
import io.numaflow.reducer.test.WindowResult;
import io.numaflow.sample.DemoPlatform;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * The {@code demo} profile of the reading statistics ({@code sample.style=aggregator}): plays the platform against
 * this very UDF with the test kit's {@link ReduceClient}. Two one-minute windows, open at once as the platform
 * keeps them, each with readings of two sensors (one of them not a number); it prints each window's statistics
 * per sensor, checks them, and stops the application (exit status 1 if anything was not as expected).
 */
@Component
@Profile("demo")
@ConditionalOnProperty(name = "sample.style", havingValue = "aggregator")
class AggregatorDemo implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(AggregatorDemo.class);
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration MINUTE = Duration.ofMinutes(1);

    /** Per window: each sensor's readings. */
    private static final List<Map<String, List<String>>> READINGS = List.of(
            Map.of("sensor-a", List.of("21", "25", "19", "30"), "sensor-b", List.of("-4", "2", "offline")),
            Map.of("sensor-a", List.of("18"), "sensor-b", List.of("7", "9")));

    /** Per window: what the UDF must answer for each sensor. */
    private static final List<Map<String, String>> EXPECTED = List.of(
            Map.of("sensor-a", "counter:4 sum:95 min:19 max:30", "sensor-b", "counter:3 sum:-2 min:-4 max:2"),
            Map.of("sensor-a", "counter:1 sum:18 min:18 max:18", "sensor-b", "counter:2 sum:16 min:7 max:9"));

    private final NumaflowReducerProperties properties;
    private final ConfigurableApplicationContext context;

    AggregatorDemo(NumaflowReducerProperties properties, ConfigurableApplicationContext context) {
        this.properties = properties;
        this.context = context;
    }

    @Override
    public void run(ApplicationArguments args) {
        boolean correct = DemoPlatform.play(properties, UdfKind.AGGREGATOR, AggregatorDemo::playTwoWindows);
        log.info(correct ? "Aggregator demo: every statistic is right. Stopping." : "Aggregator demo: WRONG STATISTICS");
        DemoPlatform.exit(context, correct);
    }

    private static boolean playTwoWindows(ReduceClient platform) {
        List<AlignedWindow> windows = new ArrayList<>();
        for (int w = 0; w < READINGS.size(); w++) {
            AlignedWindow window = platform.window(START.plus(MINUTE.multipliedBy(w)), MINUTE);
            READINGS.get(w).forEach((sensor, values) -> values.forEach(
                    value -> window.send(List.of(sensor), value.getBytes(UTF_8), window.window().start())));
            windows.add(window);
        }
        boolean correct = true;
        for (int w = 0; w < windows.size(); w++) {
            WindowResult result = windows.get(w).close();
            for (Map.Entry<String, String> expected : EXPECTED.get(w).entrySet()) {
                List<String> answers = result.messages(List.of(expected.getKey())).stream()
                        .map(Message::value).map(value -> new String(value, UTF_8)).toList();
                log.info("window [{}, {}) {}: {}", result.window().start(), result.window().end(), expected.getKey(),
                        answers);
                correct &= answers.equals(List.of(expected.getValue()));
            }
        }
        return correct;
    }
}
