package io.numaflow.sample;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.numaflow.reducer.Message;
import io.numaflow.reducer.ReduceStreamer;
import io.numaflow.reducer.test.AlignedWindow;
import io.numaflow.reducer.test.AutoConfigureReduceClient;
import io.numaflow.reducer.test.ReduceClient;
import io.numaflow.reducer.test.WindowResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;

/** The sample app with {@code sample.style=streaming}: running counts reach the platform before the window closes. */
@SpringBootTest(properties = {"sample.style=streaming", "server.port=0"})
@AutoConfigureReduceClient
class StreamingCounterApplicationTest {

    @Autowired
    ApplicationContext context;

    @Autowired
    ReduceClient platform;

    @Test
    void sendsRunningCountsWhileTheWindowIsOpenAndTheTotalAtItsClose() {
        assertThat(context.getBeanNamesForType(ReduceStreamer.class)).containsExactly("streamingCounter");
        AlignedWindow window = platform.window(Instant.parse("2026-01-01T00:00:00Z"), Duration.ofMinutes(1));
        for (int i = 0; i < 11; i++) {
            window.send(List.of("a"), "v".getBytes(UTF_8));
        }

        assertThat(window.awaitResults(2)).as("before the window closes").extracting(StreamingCounterApplicationTest::text)
                .containsExactly("so-far:5", "so-far:10");

        WindowResult result = window.close();
        assertThat(result.messages(List.of("a"))).extracting(StreamingCounterApplicationTest::text)
                .containsExactly("so-far:5", "so-far:10", "counter:11");
    }

    private static String text(Message message) {
        return new String(message.value(), UTF_8);
    }
}
