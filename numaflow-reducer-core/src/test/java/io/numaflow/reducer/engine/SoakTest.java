package io.numaflow.reducer.engine;

import static io.numaflow.reducer.wire.RawReduceDriver.PATIENCE;
import static io.numaflow.reducer.wire.RawReduceDriver.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.numaflow.reducer.wire.RawReduceDriver;
import io.numaflow.reducer.wire.RawReduceDriver.WindowStream;
import io.numaflow.reducer.wire.UdsReduceServer;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.Window;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many windows back to back, four open at a time: at the end, threads and heap after GC are where they were
 * after warm-up. {@code -Dsoak.windows=N} (the {@code soak} Maven profile sets a large N) makes it a long run.
 */
class SoakTest {

    /** Heap a leak-free run may still differ by after GC (allocator and JIT noise), far below a leak's growth. */
    static final long HEAP_SLACK_BYTES = 24L * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void windowsBackToBackLeaveThreadsAndHeapFlat() throws Exception {
        int windows = Integer.getInteger("soak.windows", 1_000);
        try (GroupExecutor executor = GroupExecutor.pooled(64, Duration.ofMillis(500));
                UdsReduceServer server = new UdsReduceServer(dir.resolve("soak.sock"),
                        ReduceService.reducer(() -> ReduceServiceTest.COUNTER, new EngineSettings(executor,
                                new UdfErrorReporter("udf", dir, Clock.systemUTC()), ReduceListener.NONE)),
                        4, 1024 * 1024);
                RawReduceDriver client = new RawReduceDriver(dir.resolve("soak.sock"))) {
            int warmUp = Math.max(100, windows / 10);
            runWindows(client, 0, warmUp);
            int threadsAfterWarmUp = settledThreadCount();
            long heapAfterWarmUp = heapAfterGc();

            runWindows(client, warmUp, windows);

            await().atMost(PATIENCE).until(() -> settledThreadCount() <= threadsAfterWarmUp);
            assertThat(heapAfterGc()).isLessThan(heapAfterWarmUp + HEAP_SLACK_BYTES);
        }
    }

    private static void runWindows(RawReduceDriver client, int from, int to) {
        for (int w = from; w < to; w += 4) {
            List<WindowStream> open = new ArrayList<>();
            for (int i = w; i < Math.min(w + 4, to); i++) {
                Window window = window(i * 1000L, i * 1000L + 1000);
                WindowStream stream = client.open();
                for (int d = 0; d < 100; d++) {
                    stream.send(window, List.of("k" + (d % 20)), "datum-" + d);
                }
                open.add(stream.halfClose());
            }
            for (WindowStream stream : open) {
                stream.awaitStatus();
                List<ReduceResponse> responses = stream.responses();
                assertThat(responses).hasSize(21);
                assertThat(responses.subList(0, 20)).extracting(RawReduceDriver::text).containsOnly("counter:5");
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

    static long heapAfterGc() {
        long lowest = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            lowest = Math.min(lowest, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return lowest;
    }
}
