package io.numaflow.reducer.engine;

import static io.numaflow.reducer.wire.RawReduceDriver.PATIENCE;
import static io.numaflow.reducer.wire.RawReduceDriver.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.numaflow.reducer.Reducer;
import io.numaflow.reducer.wire.RawReduceDriver;
import io.numaflow.reducer.wire.RawReduceDriver.WindowStream;
import io.numaflow.reducer.wire.UdsReduceServer;
import io.numaflow.reducer.wire.Unreachable;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.Window;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many windows back to back, four open at a time, each on a stream of its own: at the end, the server's threads
 * are where they were after warm-up, and nothing of an ended stream or group is reachable: not its gRPC call
 * (which the stream's state holds), nor any group's datums or metadata. {@code -Dsoak.windows=N} (the
 * {@code soak} Maven profile sets a large N) makes it a long run.
 */
class SoakTest {

    private static final int KEYS = 20;

    @TempDir
    Path dir;

    @Test
    void windowsBackToBackLeaveThreadsFlatAndNothingOfThemReachable() throws Exception {
        int windows = Integer.getInteger("soak.windows", 1_000);
        Unreachable ended = new Unreachable();
        Reducer counter = (keys, datums, md) -> ReduceServiceTest.COUNTER.reduce(keys, ended.track(datums),
                ended.track(md));
        try (GroupExecutor executor = GroupExecutor.pooled(64, Duration.ofMillis(500));
                UdsReduceServer server = new UdsReduceServer(dir.resolve("soak.sock"),
                        ended.trackingCalls(ReduceService.reducer(() -> counter, new EngineSettings(executor,
                                new UdfErrorReporter("udf", dir, Clock.systemUTC()), ReduceListener.NONE))),
                        4, 1024 * 1024);
                RawReduceDriver client = new RawReduceDriver(dir.resolve("soak.sock"))) {
            int warmUp = Math.max(100, windows / 10);
            runWindows(client, 0, warmUp);
            int threadsAfterWarmUp = settledThreadCount();

            runWindows(client, warmUp, windows);

            await().atMost(PATIENCE).until(() -> settledThreadCount() <= threadsAfterWarmUp);
            assertThat(ended.tracked()).as("a call per window, datums and metadata per group")
                    .isEqualTo(windows + 2L * windows * KEYS);
            ended.awaitAllCollected();
        }
    }

    private static void runWindows(RawReduceDriver client, int from, int to) {
        for (int w = from; w < to; w += 4) {
            List<WindowStream> open = new ArrayList<>();
            for (int i = w; i < Math.min(w + 4, to); i++) {
                Window window = window(i * 1000L, i * 1000L + 1000);
                WindowStream stream = client.open();
                for (int d = 0; d < 100; d++) {
                    stream.send(window, List.of("k" + (d % KEYS)), "datum-" + d);
                }
                open.add(stream.halfClose());
            }
            for (WindowStream stream : open) {
                stream.awaitStatus();
                List<ReduceResponse> responses = stream.responses();
                assertThat(responses).hasSize(KEYS + 1);
                assertThat(responses.subList(0, KEYS)).extracting(RawReduceDriver::text).containsOnly("counter:5");
            }
        }
    }

    /**
     * Live threads of the server side once the idle reducer threads of the last windows have retired. The
     * client's callback threads (gRPC's shared cached pool) and Awaitility's poller are not the server's.
     */
    static int settledThreadCount() {
        await().atMost(PATIENCE).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("numaflow-reducer-") && t.isAlive()));
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> !name.startsWith("grpc-default-executor") && !name.startsWith("awaitility"))
                .count();
    }
}
