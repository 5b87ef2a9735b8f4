package io.numaflow.reducer.engine;

import static io.numaflow.reducer.wire.RawReduceDriver.PATIENCE;
import static io.numaflow.reducer.wire.RawReduceDriver.window;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.numaflow.reducer.Accumulator;
import io.numaflow.reducer.Datum;
import io.numaflow.reducer.Message;
import io.numaflow.reducer.Messages;
import io.numaflow.reducer.Output;
import io.numaflow.reducer.ReduceStreamer;
import io.numaflow.reducer.Reducer;
import io.numaflow.reducer.SessionReducer;
import io.numaflow.reducer.wire.AccumulatorClient;
import io.numaflow.reducer.wire.AccumulatorClient.KeyStream;
import io.numaflow.reducer.wire.Closer;
import io.numaflow.reducer.wire.RawReduceDriver;
import io.numaflow.reducer.wire.RawReduceDriver.WindowStream;
import io.numaflow.reducer.wire.SessionCall;
import io.numaflow.reducer.wire.UdsReduceServer;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.Window;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.KeyedWindow;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.SessionReduceResponse;
import io.grpc.BindableService;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * No unit waits for another to end, on platform threads (Java 17's only kind) with the executor the
 * auto-configuration builds there: thousands of open accumulator keys, sessions and streamer groups are each
 * served from their first datum, while the platform keeps every one of them open.
 */
class OpenUnitsLivenessTest {

    /** As the auto-configuration's: how many Reducer groups run at once on pooled platform threads. */
    static final int POOL_SIZE = 256;
    static final int OPEN_UNITS = 5_000;

    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closeables = new Closer();

    private RawReduceDriver serve(GroupExecutor executor, java.util.function.Function<EngineSettings, BindableService> service)
            throws Exception {
        closeables.add(executor);
        EngineSettings settings = new EngineSettings(executor,
                new UdfErrorReporter("udf", dir.resolve("errors"), Clock.systemUTC()), ReduceListener.NONE);
        Path socket = dir.resolve("units.sock");
        closeables.add(new UdsReduceServer(socket, service.apply(settings), 4, 4 * 1024 * 1024,
                DeferredWakeUps::around));
        RawReduceDriver client = new RawReduceDriver(socket);
        closeables.add(client);
        return client;
    }

    private RawReduceDriver serve(java.util.function.Function<EngineSettings, BindableService> service) throws Exception {
        return serve(GroupExecutor.pooled(POOL_SIZE), service);
    }

    private AccumulatorClient accumulatorClient() {
        AccumulatorClient client = new AccumulatorClient(dir.resolve("units.sock"));
        closeables.add(client);
        return client;
    }

    @Test
    void anAccumulatorWithThousandsOfOpenKeysSendsEveryKeysOutputsBeforeAnyClose() throws Exception {
        Accumulator forward = (keys, datums, output) -> datums.forEach(output::forward);
        serve(settings -> new AccumulatorService(() -> forward, settings));
        KeyStream stream = accumulatorClient().open();

        for (int round = 0; round < 2; round++) {
            for (int key = 0; key < OPEN_UNITS; key++) {
                stream.datum(List.of("device-" + key), "r" + round, 1_000L * round, 1_000L * round,
                        "id-" + key + "-" + round);
            }
        }
        await().atMost(PATIENCE).until(() -> stream.responses().size() == 2 * OPEN_UNITS);
        assertThat(stream.eofCount()).as("no key was closed").isZero();
        assertThat(stream.responses().stream().map(r -> r.getPayload().getKeys(0)).distinct()).hasSize(OPEN_UNITS);

        for (int key = 0; key < OPEN_UNITS; key++) {
            stream.closeKey(List.of("device-" + key));
        }
        await().atMost(PATIENCE).until(() -> stream.eofCount() == OPEN_UNITS);
        assertThat(stream.halfClose().awaitStatus().getCode()).isEqualTo(Status.Code.OK);
    }

    @Test
    void aSessionStreamWithThousandsOfOpenSessionsSendsEveryFirstResultBeforeAnyClose() throws Exception {
        RawReduceDriver driver = serve(settings -> new SessionReduceService(FirstDatumEcho::new, settings));
        SessionCall call = SessionCall.open(driver.channel());
        List<KeyedWindow> sessions = IntStream.range(0, OPEN_UNITS)
                .mapToObj(i -> SessionCall.window(0, 60_000, "user-" + i)).toList();

        sessions.forEach(session -> call.open(session, "first"));
        await().atMost(PATIENCE).until(() -> call.responses().size() == OPEN_UNITS);
        assertThat(call.responses()).noneMatch(SessionReduceResponse::getEOF)
                .extracting(SessionCall::text).containsOnly("first");

        call.halfClose();
        assertThat(call.awaitStatus().getCode()).isEqualTo(Status.Code.OK);
        assertThat(call.responses().stream().filter(SessionReduceResponse::getEOF)).hasSize(OPEN_UNITS);
    }

    @Test
    void aStreamerWindowWithMoreGroupsThanThePoolGetsEveryGroupsEarlyResultBeforeTheHalfClose() throws Exception {
        int groups = 4 * POOL_SIZE;
        ReduceStreamer firstDatumEcho = (keys, datums, output, md) -> {
            boolean first = true;
            for (Datum datum : datums) {
                if (first) {
                    output.send(Message.of(datum.value(), keys));
                    first = false;
                }
            }
        };
        RawReduceDriver driver = serve(settings -> ReduceService.streamer(() -> firstDatumEcho, settings));
        Window window = window(0, 60_000);
        WindowStream stream = driver.open();

        IntStream.range(0, groups).forEach(g -> stream.send(window, List.of("k" + g), "early"));
        await().atMost(PATIENCE).until(() -> stream.responses().size() == groups);
        assertThat(stream.status()).as("the window is still open").isNotDone();

        List<ReduceResponse> responses = stream.closeAndAwait();
        assertThat(responses).hasSize(groups + 1);
        assertThat(responses.get(groups).getEOF()).isTrue();
    }

    /**
     * A Reducer's groups take turns in the bounded pool, but a window that closes never waits for the groups
     * of one still open: its waiting groups run on a thread of their own.
     */
    @Test
    void aClosedWindowsReducerGroupsNeverWaitForTheGroupsOfAnOpenWindow() throws Exception {
        int poolSize = 4;
        CountDownLatch busy = new CountDownLatch(poolSize);
        Reducer counter = (keys, datums, md) -> {
            if (keys.get(0).startsWith("busy-")) {
                busy.countDown();
            }
            long n = 0;
            for (Datum ignored : datums) {
                n++;
            }
            return Messages.of(Message.of(Long.toString(n).getBytes(UTF_8), keys));
        };
        RawReduceDriver driver = serve(GroupExecutor.pooled(poolSize),
                settings -> ReduceService.reducer(() -> counter, settings));
        WindowStream stillOpen = driver.open();
        Window open = window(60_000, 120_000);
        IntStream.range(0, poolSize).forEach(g -> stillOpen.send(open, List.of("busy-" + g), "v"));
        assertThat(busy.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("the open window holds every pooled thread")
                .isTrue();

        List<ReduceResponse> closed = driver.open()
                .send(window(0, 60_000), List.of("late-a"), "v")
                .send(window(0, 60_000), List.of("late-b"), "v")
                .closeAndAwait();

        assertThat(closed).extracting(RawReduceDriver::text).containsExactlyInAnyOrder("1", "1", "");
        assertThat(stillOpen.status()).isNotDone();
        assertThat(stillOpen.closeAndAwait()).hasSize(poolSize + 1);
    }

    /**
     * At the operating system's thread limit a unit that cannot get a thread ends its stream with a clear
     * {@code RESOURCE_EXHAUSTED}, never a hang; once threads are free again, the next stream is served.
     */
    @Test
    void aUnitThatCannotGetAThreadEndsItsStreamResourceExhausted() throws Exception {
        int threadLimit = 50;
        Accumulator forward = (keys, datums, output) -> datums.forEach(output::forward);
        serve(GroupExecutor.pooled(4, Duration.ofMinutes(1), limitedThreads(threadLimit)),
                settings -> new AccumulatorService(() -> forward, settings));
        KeyStream tooMany = accumulatorClient().open();

        for (int key = 0; key < 2 * threadLimit; key++) {
            tooMany.datum(List.of("k" + key), "v", 0, 0, "id-" + key);
        }
        Status status = tooMany.status().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

        assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(status.getDescription()).isEqualTo("the reduce UDF cannot start a thread for another unit"
                + " (unable to create native thread: possibly out of memory or process/resource limits reached):"
                + " the process is at the operating system's thread limit; raise the container's limit, or run on"
                + " Java 21+, where units run on virtual threads");

        KeyStream next = accumulatorClient().open();
        for (int key = 0; key < 10; key++) {
            next.datum(List.of("k" + key), "v", 0, 0, "id-" + key);
        }
        await().atMost(PATIENCE).until(() -> next.responses().size() == 10);
        List.copyOf(next.responses()).forEach(r -> assertThat(AccumulatorClient.text(r)).isEqualTo("v"));
        assertThat(next.halfClose().awaitStatus().getCode()).isEqualTo(Status.Code.OK);
    }

    /**
     * A factory that fails as {@code Thread.start} does at the OS's limit once {@code limit} threads exist. (It
     * fails in {@code newThread}: since Java 21 the pool starts its threads without calling an overridable
     * {@code start()}; the error leaves {@code execute} the same way.)
     */
    private static ThreadFactory limitedThreads(int limit) {
        AtomicInteger made = new AtomicInteger();
        return task -> {
            if (made.incrementAndGet() > limit) {
                throw new OutOfMemoryError(
                        "unable to create native thread: possibly out of memory or process/resource limits reached");
            }
            Thread thread = new Thread(task, "limited-" + made.get());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Sends its first datum's value at once, then nothing: a session whose output the platform reads early. */
    static final class FirstDatumEcho implements SessionReducer {
        @Override
        public void sessionReduce(List<String> keys, Iterable<Datum> datums, Output output) {
            boolean first = true;
            for (Datum datum : datums) {
                if (first) {
                    output.send(Message.of(datum.value(), keys));
                    first = false;
                }
            }
        }

        @Override
        public byte[] accumulator() {
            return new byte[0];
        }

        @Override
        public void mergeAccumulator(byte[] accumulator) {
        }
    }
}
