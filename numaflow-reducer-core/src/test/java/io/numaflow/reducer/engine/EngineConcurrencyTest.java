package io.numaflow.reducer.engine;

import static io.numaflow.reducer.wire.RawReduceDriver.PATIENCE;
import static io.numaflow.reducer.wire.RawReduceDriver.text;
import static io.numaflow.reducer.wire.RawReduceDriver.window;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.grpc.Status;
import io.numaflow.reducer.Datum;
import io.numaflow.reducer.IntervalWindow;
import io.numaflow.reducer.Message;
import io.numaflow.reducer.Messages;
import io.numaflow.reducer.ReduceStreamer;
import io.numaflow.reducer.Reducer;
import io.numaflow.reducer.wire.Closer;
import io.numaflow.reducer.wire.RawReduceDriver;
import io.numaflow.reducer.wire.RawReduceDriver.WindowStream;
import io.numaflow.reducer.wire.UdsReduceServer;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.Window;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The engine under concurrency: handlers that send from helper threads, throw what the engine itself uses
 * to stop tasks, fail together, or run beside a listener that throws. Over the real socket, many rounds.
 */
class EngineConcurrencyTest {

    static final String CLOSED_OUTPUT = "the handler has returned: its output is closed";

    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closeables = new Closer();

    private final ListAppender<ILoggingEvent> engineLog = new ListAppender<>();
    private final CountingListener counts = new CountingListener();

    @BeforeEach
    void captureEngineLog() {
        engineLog.start();
        ((Logger) LoggerFactory.getLogger("io.numaflow.reducer.engine")).addAppender(engineLog);
    }

    @AfterEach
    void releaseEngineLog() {
        ((Logger) LoggerFactory.getLogger("io.numaflow.reducer.engine")).detachAppender(engineLog);
    }

    private RawReduceDriver serve(ReduceService service) throws Exception {
        Path socket = dir.resolve("concurrency.sock");
        closeables.add(new UdsReduceServer(socket, service, 2, 4 * 1024 * 1024));
        RawReduceDriver client = new RawReduceDriver(socket);
        closeables.add(client);
        return client;
    }

    private EngineSettings settings(ReduceListener listener, int groupBuffer) {
        GroupExecutor executor = GroupExecutor.pooled(8, Duration.ofMillis(200));
        closeables.add(executor);
        return new EngineSettings(executor, new UdfErrorReporter("udf", dir.resolve("errors"), Clock.systemUTC()),
                listener, groupBuffer, EngineSettings.DEFAULT_REQUEST_WINDOW);
    }

    private List<String> engineErrors(String prefix) {
        return engineLog.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.startsWith(prefix))
                .toList();
    }

    /**
     * Helper threads keep sending while the handler returns. A send either goes out before the window's
     * EOF or throws {@link IllegalStateException}: never a result after the EOF, where the platform has
     * stopped reading. A second window of the same stream stays open until every helper has stopped, so a
     * late result of the first would still reach the client.
     */
    @Test
    void sendsFromHelperThreadsNeverFollowTheirWindowsEof() throws Exception {
        int rounds = 100;
        int helpers = 3;
        Window racing = window(0, 1_000);
        Window holding = window(1_000, 2_000);
        Queue<Throwable> helperEnds = new ConcurrentLinkedQueue<>();
        CountDownLatch[] helpersDone = new CountDownLatch[1];
        ReduceStreamer streamer = (keys, datums, output, md) -> {
            if (md.intervalWindow().start().toEpochMilli() == holding.getStart().getSeconds() * 1000) {
                datums.forEach(d -> { });
                helpersDone[0].await(); // the stream stays open until the racing window's helpers gave up
                output.send(Message.of("held".getBytes(UTF_8), keys));
                return;
            }
            CountDownLatch sending = new CountDownLatch(helpers);
            for (int h = 0; h < helpers; h++) {
                Thread helper = new Thread(() -> {
                    sending.countDown();
                    try {
                        while (true) {
                            output.send(Message.of("late".getBytes(UTF_8), keys));
                        }
                    } catch (Throwable end) {
                        helperEnds.add(end);
                    } finally {
                        helpersDone[0].countDown();
                    }
                });
                helper.setDaemon(true);
                helper.start();
            }
            datums.forEach(d -> { });
            sending.await(); // every helper is in its loop when the handler returns
        };
        RawReduceDriver client = serve(ReduceService.streamer(() -> streamer, settings(ReduceListener.NONE, 256)));

        for (int round = 0; round < rounds; round++) {
            helpersDone[0] = new CountDownLatch(helpers);
            List<ReduceResponse> responses = client.open()
                    .send(racing, List.of("r"), "v")
                    .send(holding, List.of("h"), "v")
                    .closeAndAwait();

            List<ReduceResponse> ofRacing = responses.stream().filter(r -> r.getWindow().equals(racing)).toList();
            assertThat(ofRacing.get(ofRacing.size() - 1).getEOF()).as("round %d: the EOF is the racing window's last response", round).isTrue();
            assertThat(ofRacing.stream().filter(ReduceResponse::getEOF)).hasSize(1);
            assertThat(responses.stream().filter(r -> r.getWindow().equals(holding) && !r.getEOF()).map(RawReduceDriver::text))
                    .containsExactly("held");
        }
        assertThat(helperEnds).hasSize(rounds * helpers).allSatisfy(end -> assertThat(end)
                .isInstanceOf(IllegalStateException.class).hasMessage(CLOSED_OUTPUT));
    }

    /** A user's own CancellationException is an error like any other, not the engine's stop of a task. */
    @Test
    void aReducerThrowingCancellationExceptionEndsItsStreamInternal() throws Exception {
        Reducer reducer = (keys, datums, md) -> {
            datums.forEach(d -> { });
            if (keys.contains("cancelled")) {
                throw new CancellationException("a future the reducer joined was cancelled");
            }
            return Messages.of(Message.of("ok".getBytes(UTF_8), keys));
        };
        RawReduceDriver client = serve(ReduceService.reducer(() -> reducer, settings(counts, 256)));

        WindowStream failing = client.open().send(window(0, 1_000), List.of("cancelled"), "v").halfClose();
        Status status = failing.status().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription()).isEqualTo(
                "UDF_EXECUTION_ERROR(udf): java.util.concurrent.CancellationException: a future the reducer joined was cancelled");
        assertThat(counts.udfErrors).hasValue(1);
        List<ReduceResponse> next = client.open().send(window(0, 1_000), List.of("fine"), "v").closeAndAwait();
        assertThat(next).extracting(RawReduceDriver::text).containsExactly("ok", "");
    }

    /**
     * A listener that throws from every callback: its exceptions are logged and nothing else changes. Groups
     * that return early keep discarding their later datums (a full buffer would stall the stream), windows
     * send their results and EOF, and other streams are served.
     */
    @Test
    void aThrowingListenerLeavesEveryGroupAndStreamIntact() throws Exception {
        Reducer reducer = (keys, datums, md) -> {
            if (keys.contains("early")) {
                return Messages.of(Message.of("early".getBytes(UTF_8), keys)); // reads nothing
            }
            long n = 0;
            for (Datum ignored : datums) {
                n++;
            }
            return Messages.of(Message.of(Long.toString(n).getBytes(UTF_8), keys));
        };
        RawReduceDriver client = serve(ReduceService.reducer(() -> reducer, settings(new ThrowingListener(), 4)));

        for (int round = 0; round < 5; round++) {
            Window window = window(round * 1_000L, round * 1_000L + 1_000);
            WindowStream stream = client.open();
            for (int i = 0; i < 200; i++) {
                stream.send(window, List.of("early"), "v").send(window, List.of("counted"), "v");
            }
            List<ReduceResponse> responses = stream.closeAndAwait();
            assertThat(responses).extracting(RawReduceDriver::text).containsExactlyInAnyOrder("early", "200", "");
            assertThat(responses.get(2).getEOF()).isTrue();
        }
        assertThat(engineLog.list).anySatisfy(event -> assertThat(event.getFormattedMessage())
                .startsWith("A ReduceListener (" + ThrowingListener.class.getName() + ") threw"));
    }

    /** Groups that fail at the same moment end their stream once: one log line, one count, one report. */
    @Test
    void groupsFailingTogetherAreReportedOnce() throws Exception {
        int rounds = 40;
        CyclicBarrier together = new CyclicBarrier(2);
        Reducer reducer = (keys, datums, md) -> {
            datums.forEach(d -> { });
            together.await(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            throw new IllegalStateException("failed " + keys);
        };
        RawReduceDriver client = serve(ReduceService.reducer(() -> reducer, settings(counts, 256)));

        for (int round = 0; round < rounds; round++) {
            Window window = window(round * 1_000L, round * 1_000L + 1_000);
            Status status = client.open().send(window, List.of("a"), "v").send(window, List.of("b"), "v").halfClose()
                    .status().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
            assertThat(counts.udfErrors).as("round %d", round).hasValue(round + 1);
            assertThat(engineErrors("The UDF failed")).as("round %d", round).hasSize(round + 1);
        }
        try (Stream<Path> persisted = Files.walk(dir.resolve("errors"))) {
            assertThat(persisted.filter(Files::isRegularFile)).hasSize(1);
        }
    }

    static final class CountingListener implements ReduceListener {
        final AtomicInteger udfErrors = new AtomicInteger();

        @Override
        public void udfError(IntervalWindow window, Throwable error) {
            udfErrors.incrementAndGet();
        }
    }

    /** Throws from every callback it has. */
    static final class ThrowingListener implements ReduceListener {
        private static void fail(String call) {
            throw new IllegalStateException("listener bug in " + call);
        }

        @Override
        public void streamOpened() {
            fail("streamOpened");
        }

        @Override
        public void streamClosed() {
            fail("streamClosed");
        }

        @Override
        public void datumReceived() {
            fail("datumReceived");
        }

        @Override
        public void groupOpened() {
            fail("groupOpened");
        }

        @Override
        public void groupClosed() {
            fail("groupClosed");
        }

        @Override
        public void reducerReturned(Duration reducerTime) {
            fail("reducerReturned");
        }

        @Override
        public void resultSent() {
            fail("resultSent");
        }

        @Override
        public void windowCompleted(Duration closeToEof) {
            fail("windowCompleted");
        }

        @Override
        public void udfError(IntervalWindow window, Throwable error) {
            fail("udfError");
        }

        @Override
        public void streamRejected(Rejection rejection) {
            fail("streamRejected");
        }
    }
}
