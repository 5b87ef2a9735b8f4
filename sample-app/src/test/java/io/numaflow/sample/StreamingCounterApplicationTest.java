package io.numaflow.sample;

import static io.numaflow.reducer.test.ReduceClient.PATIENCE;
import static io.numaflow.reducer.test.ReduceClient.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.numaflow.reducer.ReduceStreamer;
import io.numaflow.reducer.test.ReduceClient;
import io.numaflow.reducer.test.ReduceClient.WindowStream;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.Window;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The sample app with {@code sample.style=streaming}: running counts reach the platform before the window closes. */
@SpringBootTest(properties = {"sample.style=streaming", "server.port=0"})
class StreamingCounterApplicationTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        CounterApplicationTest.paths(registry, "streaming");
    }

    @Autowired
    ApplicationContext context;

    @Test
    void sendsRunningCountsWhileTheWindowIsOpenAndTheTotalAtItsClose() throws Exception {
        assertThat(context.getBeanNamesForType(ReduceStreamer.class)).containsExactly("streamingCounter");
        try (ReduceClient client = new ReduceClient(CounterApplicationTest.DIR.resolve("streaming.sock"))) {
            Window window = window(1_767_225_600_000L, 1_767_225_660_000L);
            WindowStream stream = client.open();
            for (int i = 0; i < 11; i++) {
                stream.send(window, List.of("a"), "v");
            }
            await().atMost(PATIENCE).until(() -> stream.responses().size() == 2);
            assertThat(stream.status()).as("the window is still open").isNotDone();

            List<ReduceResponse> responses = stream.closeAndAwait();
            assertThat(responses).extracting(ReduceClient::text)
                    .containsExactly("so-far:5", "so-far:10", "counter:11", "");
            assertThat(responses.get(3).getEOF()).isTrue();
        }
    }
}
