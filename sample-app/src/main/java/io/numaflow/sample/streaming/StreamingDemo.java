package io.numaflow.sample.streaming;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.numaflow.reducer.Message;
import io.numaflow.reducer.autoconfigure.NumaflowReducerProperties;
import io.numaflow.reducer.autoconfigure.UdfKind;
import io.numaflow.reducer.test.AlignedWindow;
import io.numaflow.reducer.test.ReduceClient;
import io.numaflow.sample.DemoPlatform;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * The {@code demo} profile of the streaming counter: plays the platform against this very UDF (with the test
 * kit's {@link ReduceClient}) and shows its running counts arriving while the window is still open. It sends 12
 * datums of one key, waits for the two running counts ({@code so-far:5}, {@code so-far:10}) before closing the
 * window, then closes it and expects the final {@code counter:12} and the window's EOF; then it stops the
 * application (exit status 1 if anything was not as expected).
 */
@Component
@Profile("demo")
@ConditionalOnProperty(name = "sample.style", havingValue = "streaming")
class StreamingDemo implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(StreamingDemo.class);

    private final NumaflowReducerProperties properties;
    private final ConfigurableApplicationContext context;

    StreamingDemo(NumaflowReducerProperties properties, ConfigurableApplicationContext context) {
        this.properties = properties;
        this.context = context;
    }

    @Override
    public void run(ApplicationArguments args) {
        boolean correct = DemoPlatform.play(properties, UdfKind.REDUCE_STREAMER, StreamingDemo::playOneWindow);
        log.info(correct ? "Streaming demo: results arrived before the window closed, as expected. Stopping."
                : "Streaming demo: UNEXPECTED RESULTS");
        DemoPlatform.exit(context, correct);
    }

    private static boolean playOneWindow(ReduceClient platform) {
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        AlignedWindow window = platform.window(start, Duration.ofMinutes(1));
        for (int n = 0; n < 12; n++) {
            window.send(List.of("sensor-a"), ("reading-" + n).getBytes(UTF_8), start.plusSeconds(n));
        }
        List<String> early = texts(window.awaitResults(2));
        log.info("before the window closed: {}", early);
        List<String> all = texts(window.close().messages());
        log.info("after the window closed (then its EOF): {}", all);
        return early.equals(List.of("so-far:5", "so-far:10"))
                && all.equals(List.of("so-far:5", "so-far:10", "counter:12"));
    }

    private static List<String> texts(List<Message> messages) {
        return messages.stream().map(message -> new String(message.value(), UTF_8)).toList();
    }
}
