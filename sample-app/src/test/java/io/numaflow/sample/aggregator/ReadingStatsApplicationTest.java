package io.numaflow.sample.aggregator;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.numaflow.reducer.Aggregator;
import io.numaflow.reducer.Message;
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
import org.springframework.context.ApplicationContext;

/** The sample app with {@code sample.style=aggregator}: count, sum, min and max of each key's readings per window. */
@SpringBootTest(properties = {"sample.style=aggregator", "server.port=0"})
@AutoConfigureReduceClient
class ReadingStatsApplicationTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Autowired
    ApplicationContext context;

    @Autowired
    ReduceClient platform;

    @Test
    void answersTheStatisticsOfEachKeyWhenTheWindowCloses() {
        assertThat(context.getBeanNamesForType(Aggregator.class)).containsExactly("readingStatsAggregator");
        WindowResult result = platform.window(T0, Duration.ofMinutes(1))
                .send(List.of("a"), bytes("12"))
                .send(List.of("b"), bytes("not-a-number"))
                .send(List.of("a"), bytes("-5"))
                .send(List.of("a"), bytes("40"))
                .close();

        assertThat(result.messages(List.of("a"))).extracting(ReadingStatsApplicationTest::text)
                .containsExactly("counter:3 sum:47 min:-5 max:40");
        assertThat(result.messages(List.of("b"))).extracting(ReadingStatsApplicationTest::text)
                .containsExactly("counter:1 sum:0 min:- max:-");
    }

    @Test
    void eachSlidingWindowHasItsOwnStatistics() {
        WindowedResults results = platform.eventTime(WindowKind.sliding(Duration.ofMinutes(2), Duration.ofMinutes(1)))
                .send(List.of("a"), bytes("1"), T0.plusSeconds(30))
                .send(List.of("a"), bytes("10"), T0.plusSeconds(90))
                .close();

        assertThat(results.windows()).extracting(window -> text(window.messages().get(0))).containsExactly(
                "counter:1 sum:1 min:1 max:1", "counter:2 sum:11 min:1 max:10", "counter:1 sum:10 min:10 max:10");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }

    private static String text(Message message) {
        return new String(message.value(), UTF_8);
    }
}
