package io.numaflow.reducer.engine;

import static io.numaflow.reducer.wire.RawReduceDriver.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.numaflow.reducer.Accumulator;
import io.numaflow.reducer.wire.AccumulatorClient;
import io.numaflow.reducer.wire.AccumulatorClient.KeyStream;
import io.numaflow.reducer.wire.UdsReduceServer;
import io.numaflow.reducer.wire.Unreachable;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.AccumulatorResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many key runs opened and closed on the one long-lived stream, fifty open at a time (3,000 by default): at the
 * end, the server's threads are where they were after warm-up, and nothing of a closed run (its datums, its
 * output) is reachable while the stream is still open; once the stream ends, nor is its gRPC call.
 * {@code -Dsoak.keyRuns=N} (the {@code soak} Maven profile sets 100,000) makes it a long run.
 */
class AccumulatorSoakTest {

    private static final int OPEN_AT_ONCE = 50;

    @TempDir
    Path dir;

    @Test
    void keyRunsOpenedAndClosedLeaveThreadsFlatAndNothingOfThemReachable() throws Exception {
        int keyRuns = Integer.getInteger("soak.keyRuns", 3_000);
        Unreachable closedRuns = new Unreachable();
        Unreachable endedStreams = new Unreachable();
        Accumulator sorter = (keys, datums, output) -> AccumulatorServiceTest.SORTER.accumulate(keys,
                closedRuns.track(datums), closedRuns.track(output));
        try (GroupExecutor executor = GroupExecutor.pooled(64, Duration.ofMillis(500));
                UdsReduceServer server = new UdsReduceServer(dir.resolve("soak.sock"),
                        endedStreams.trackingCalls(new AccumulatorService(() -> sorter, new EngineSettings(executor,
                                new UdfErrorReporter("udf", dir, Clock.systemUTC()), ReduceListener.NONE))),
                        4, 1024 * 1024);
                AccumulatorClient client = new AccumulatorClient(dir.resolve("soak.sock"))) {
            KeyStream stream = client.open();
            int warmUp = Math.max(500, keyRuns / 10);
            runKeys(stream, 0, warmUp);
            int threadsAfterWarmUp = SoakTest.settledThreadCount();

            runKeys(stream, warmUp, keyRuns);

            await().atMost(PATIENCE).until(() -> SoakTest.settledThreadCount() <= threadsAfterWarmUp);
            assertThat(closedRuns.tracked()).as("datums and output per run").isEqualTo(2L * keyRuns);
            closedRuns.awaitAllCollected();
            assertThat(stream.status()).as("the stream is still open").isNotDone();
            assertThat(stream.closeAndAwait()).as("every run was closed: the half-close finds none").isEmpty();
            assertThat(endedStreams.tracked()).isEqualTo(1);
            endedStreams.awaitAllCollected();
        }
    }

    /** Key runs {@code from} to {@code to}, each a fresh key: two datums out of order, then its CLOSE. */
    private static void runKeys(KeyStream stream, int from, int to) {
        for (int batch = from; batch < to; batch += OPEN_AT_ONCE) {
            int end = Math.min(batch + OPEN_AT_ONCE, to);
            for (int run = batch; run < end; run++) {
                List<String> keys = List.of("key-" + run);
                stream.datum(keys, "second", 2_000, 0, run + "-2").datum(keys, "first", 1_000, 0, run + "-1");
            }
            for (int run = batch; run < end; run++) {
                stream.closeKey(List.of("key-" + run));
            }
            int runs = end - batch;
            await().atMost(PATIENCE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2))
                    .until(() -> stream.eofCount() == runs);
            List<AccumulatorResponse> responses = stream.drainResponses();
            assertThat(responses).hasSize(runs * 3);
            assertThat(responses).filteredOn(r -> !r.getEOF()).extracting(AccumulatorClient::text)
                    .containsOnly("first", "second");
        }
    }
}
