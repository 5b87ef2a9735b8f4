package io.numaflow.sample;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.numaflow.reducer.autoconfigure.NumaflowReducerProperties;
import io.numaflow.reducer.autoconfigure.UdfKind;
import io.numaflow.reducer.test.AlignedWindow;
import io.numaflow.reducer.test.ReduceClient;
import io.numaflow.reducer.test.WindowResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Profile;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The {@code demo} profile of the counter {@code Reducer} (styles {@code function} and {@code class}): plays the Numaflow platform against this very UDF, so that one command shows
 * real reduce work on a laptop. With the test kit's {@link ReduceClient} it waits for the server-info
 * handshake, opens one {@code ReduceFn} stream per window as the platform does (OPEN then APPEND per key,
 * half-close, results then EOF, all checked), prints each window's results, checks the counts, and stops the
 * application (exit status 1 if a count was wrong or the UDF broke the protocol).
 */
@Component
@Profile("demo")
@ConditionalOnExpression("'${sample.style:function}' == 'function' or '${sample.style:function}' == 'class'")
@Order(Ordered.LOWEST_PRECEDENCE)
class PlatformSimulator implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(PlatformSimulator.class);
    private static final Duration WINDOW = Duration.ofMinutes(1);
    private static final Instant FIRST_WINDOW = Instant.parse("2026-01-01T00:00:00Z");

    private final NumaflowReducerProperties properties;
    private final ConfigurableApplicationContext context;

    PlatformSimulator(NumaflowReducerProperties properties, ConfigurableApplicationContext context) {
        this.properties = properties;
        this.context = context;
    }

    @Override
    public void run(ApplicationArguments args) throws Exception {
        boolean allCorrect = DemoPlatform.play(properties, UdfKind.REDUCER, PlatformSimulator::sendThreeWindows);
        printMetrics();
        log.info(allCorrect ? "Platform simulator: every count is right. Stopping." : "Platform simulator: WRONG COUNTS");
        DemoPlatform.exit(context, allCorrect);
    }

    /** Three windows, open at once as the platform keeps them; key i of window w gets (w + 1) * (i + 1) datums. */
    private static boolean sendThreeWindows(ReduceClient platform) {
        List<AlignedWindow> windows = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            AlignedWindow window = platform.window(FIRST_WINDOW.plus(WINDOW.multipliedBy(w)), WINDOW);
            expected(w).forEach((key, count) -> {
                for (int n = 0; n < count; n++) {
                    Instant eventTime = window.window().start().plusMillis(n);
                    window.send(List.of(key), ("reading@" + eventTime.toEpochMilli()).getBytes(UTF_8), eventTime,
                            eventTime.minusMillis(1));
                }
            });
            windows.add(window);
        }
        boolean allCorrect = true;
        for (int w = 0; w < windows.size(); w++) {
            WindowResult result = windows.get(w).close(); // the window closes: results, then its EOF
            for (Map.Entry<String, Integer> key : expected(w).entrySet()) {
                List<String> answers = result.messages(List.of(key.getKey())).stream()
                        .map(message -> new String(message.value(), UTF_8)).toList();
                log.info("window {} key {} -> {}", w, key.getKey(), answers);
                allCorrect &= answers.size() == 1 && answers.get(0).startsWith("counter:" + key.getValue() + " ");
            }
        }
        return allCorrect;
    }

    private static Map<String, Integer> expected(int w) {
        Map<String, Integer> expected = new TreeMap<>();
        for (int i = 0; i < 3; i++) {
            expected.put("sensor-" + (char) ('a' + i), (w + 1) * (i + 1));
        }
        return expected;
    }

    /** What an operator would scrape: the reducer's own meters on the management port. */
    private void printMetrics() throws Exception {
        int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
        HttpClient http = HttpClient.newHttpClient();
        String health = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health/reducer")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        log.info("GET /actuator/health/reducer -> {}", health);
        String scrape = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        scrape.lines().filter(line -> line.startsWith("numaflow_reducer_") && !line.contains("_bucket"))
                .forEach(line -> log.info("GET /actuator/prometheus -> {}", line));
    }
}
