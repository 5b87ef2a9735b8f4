package io.numaflow.reducer.engine;

import static io.numaflow.reducer.wire.RawReduceDriver.PATIENCE;
import static io.numaflow.reducer.wire.RawReduceDriver.request;
import static io.numaflow.reducer.wire.RawReduceDriver.text;
import static io.numaflow.reducer.wire.RawReduceDriver.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.rpc.DebugInfo;
import io.grpc.Status;
import io.numaflow.reducer.Reducer;
import io.numaflow.reducer.wire.RawReduceDriver;
import io.numaflow.reducer.wire.RawReduceDriver.WindowStream;
import io.numaflow.reducer.wire.UdsReduceServer;
import io.numaflow.reducer.wire.Unreachable;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest.WindowOperation.Event;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.Window;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input and failing reducers over the real socket: each gets its exact status, nothing else is
 * disturbed, and the same server serves the next stream.
 */
class EngineFaultsTest {

    static final int MAX_MESSAGE = 1024 * 1024;
    static final Window WINDOW = window(0, 60_000);

    @TempDir
    Path dir;

    private GroupExecutor executor;
    private UdsReduceServer server;
    private RawReduceDriver client;
    private final AtomicReference<Reducer> reducer = new AtomicReference<>(ReduceServiceTest.COUNTER);
    private final CountingListener listener = new CountingListener();

    @BeforeEach
    void start() throws Exception {
        executor = GroupExecutor.pooled(32, Duration.ofMillis(200));
        ReduceService service = ReduceService.reducer(() -> reducer.get(), new EngineSettings(executor,
                new UdfErrorReporter("udf", dir.resolve("errors"), Clock.systemUTC()), listener));
        server = new UdsReduceServer(dir.resolve("faults.sock"), service, 2, MAX_MESSAGE);
        client = new RawReduceDriver(dir.resolve("faults.sock"));
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        server.close();
        executor.close();
    }

    /** The server answers a normal window correctly: the proof that a fault left it serving. */
    private void assertStillServes() {
        List<ReduceResponse> responses = client.open().send(WINDOW, List.of("after"), "v").closeAndAwait();
        assertThat(responses).hasSize(2);
        assertThat(text(responses.get(0))).isEqualTo("counter:1");
        assertThat(responses.get(1).getEOF()).isTrue();
    }

    @Test
    void aThrowingReducerEndsItsStreamWithTheSdkErrorFormatAndDebugInfo() throws Exception {
        CountDownLatch otherGroupStarted = new CountDownLatch(1);
        reducer.set((keys, datums, md) -> {
            if (keys.contains("bad")) {
                datums.forEach(d -> { });
                throw new IllegalStateException("boom in " + keys);
            }
            otherGroupStarted.countDown();
            return ReduceServiceTest.COUNTER.reduce(keys, datums, md);
        });
        WindowStream healthy = client.open().send(window(0, 1000), List.of("good"), "v");
        WindowStream failing = client.open().send(WINDOW, List.of("ok"), "v").send(WINDOW, List.of("bad"), "v");
        assertThat(otherGroupStarted.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        failing.halfClose();

        Status status = failing.awaitStatus();
        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription())
                .isEqualTo("UDF_EXECUTION_ERROR(udf): java.lang.IllegalStateException: boom in [bad]");
        com.google.rpc.Status rich = failing.richStatus();
        assertThat(rich.getCode()).isEqualTo(com.google.rpc.Code.INTERNAL_VALUE);
        DebugInfo debug = rich.getDetails(0).unpack(DebugInfo.class);
        assertThat(debug.getDetail()).startsWith("java.lang.IllegalStateException: boom in [bad]")
                .contains("at io.numaflow.reducer.engine.EngineFaultsTest");
        assertThat(debug.getStackEntriesList()).isNotEmpty();
        assertThat(failing.responses()).as("nothing of the failed window is sent").isEmpty();

        List<ReduceResponse> other = healthy.closeAndAwait();
        assertThat(text(other.get(0))).isEqualTo("counter:1");
        assertThat(listener.udfErrors).hasValue(1);
        reducer.set(ReduceServiceTest.COUNTER);
        assertStillServes();
    }

    static Stream<Arguments> malformedRequests() {
        ReduceRequest valid = request(Event.OPEN, WINDOW, List.of("k"), "v");
        ReduceRequest.WindowOperation.Builder operation = valid.getOperation().toBuilder();
        return Stream.of(
                Arguments.of("no window",
                        valid.toBuilder().setOperation(operation.clone().clearWindows()).build(),
                        "OPEN request has no window: every request must carry exactly one window"),
                Arguments.of("no operation at all",
                        valid.toBuilder().clearOperation().build(),
                        "OPEN request has no window: every request must carry exactly one window"),
                Arguments.of("two windows",
                        valid.toBuilder().setOperation(operation.clone().addWindows(window(1, 2))).build(),
                        "OPEN request has 2 windows: every request must carry exactly one window"),
                Arguments.of("OPEN without payload",
                        valid.toBuilder().clearPayload().build(),
                        "OPEN request has no payload"),
                Arguments.of("APPEND without payload",
                        valid.toBuilder().setOperation(operation.clone().setEvent(Event.APPEND)).clearPayload().build(),
                        "APPEND request has no payload"),
                Arguments.of("CLOSE with two windows",
                        valid.toBuilder().setOperation(operation.clone().setEvent(Event.CLOSE).addWindows(WINDOW))
                                .clearPayload().build(),
                        "CLOSE request has 2 windows: every request must carry exactly one window"),
                Arguments.of("unknown event",
                        valid.toBuilder().setOperation(operation.clone().setEventValue(7)).build(),
                        "unknown window operation event 7: expected OPEN (0), CLOSE (1) or APPEND (4)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedRequests")
    void aMalformedRequestEndsItsStreamWithInvalidArgument(String name, ReduceRequest bad, String message) {
        AlignedScenarios.malformedIsInvalidArgument(client, bad, message);
        assertThat(listener.malformed).hasValue(1);
        assertStillServes();
    }

    @Test
    void aCloseWithoutPayloadIsValidAndNeverData() {
        ReduceRequest close = ReduceRequest.newBuilder()
                .setOperation(ReduceRequest.WindowOperation.newBuilder().setEvent(Event.CLOSE).addWindows(WINDOW))
                .build();
        List<ReduceResponse> responses = client.open().send(WINDOW, List.of("k"), "v").send(close).closeAndAwait();
        assertThat(text(responses.get(0))).isEqualTo("counter:1");
    }

    @Test
    void anOversizeMessageIsRefusedWithResourceExhaustedAndTheConnectionStaysUp() {
        AlignedScenarios.oversizeIsResourceExhausted(client, MAX_MESSAGE);
        await().atMost(PATIENCE).untilAtomic(listener.closed, org.hamcrest.Matchers.equalTo(1));
        assertStillServes(); // on the same client, so the same connection
    }

    @Test
    void aCancelledStreamsStateIsFreed() {
        Unreachable ofTheStream = new Unreachable();
        CountDownLatch started = new CountDownLatch(1);
        reducer.set((keys, datums, md) -> {
            ofTheStream.track(datums);
            started.countDown();
            return ReduceServiceTest.COUNTER.reduce(keys, datums, md);
        });
        WindowStream stream = client.open();
        for (int i = 0; i < 1000; i++) {
            stream.send(WINDOW, List.of("k" + (i % 10)), "v");
        }
        await().atMost(PATIENCE).until(() -> started.getCount() == 0);

        stream.cancel();

        await().atMost(PATIENCE).untilAtomic(listener.closed, org.hamcrest.Matchers.equalTo(1));
        assertThat(listener.opened.get() - listener.closed.get()).as("active streams").isZero();
        // Nothing holds the stream's state any more: its datum channels become unreachable.
        ofTheStream.awaitAllCollected();
        reducer.set(ReduceServiceTest.COUNTER);
        assertStillServes();
    }

    @Test
    void aReducerThatNeverReturnsDoesNotHoldUpOtherStreams() {
        reducer.set((keys, datums, md) -> {
            if (keys.contains("stuck")) {
                new CountDownLatch(1).await();
            }
            return ReduceServiceTest.COUNTER.reduce(keys, datums, md);
        });
        WindowStream stuck = client.open().send(WINDOW, List.of("stuck"), "v").halfClose();
        for (int i = 0; i < 5; i++) {
            List<ReduceResponse> responses = client.open().send(window(i, i + 1), List.of("k"), "v").closeAndAwait();
            assertThat(text(responses.get(0))).isEqualTo("counter:1");
        }
        assertThat(stuck.status()).isNotDone();
        stuck.cancel();
        assertThat(stuck.awaitStatus().getCode()).isEqualTo(Status.Code.CANCELLED);
    }

    /** Counts what the engine reports. */
    static final class CountingListener implements ReduceListener {
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        final AtomicInteger malformed = new AtomicInteger();
        final AtomicInteger udfErrors = new AtomicInteger();

        @Override
        public void streamOpened() {
            opened.incrementAndGet();
        }

        @Override
        public void streamClosed() {
            closed.incrementAndGet();
        }

        @Override
        public void streamRejected(Rejection rejection) {
            if (rejection == Rejection.MALFORMED) {
                malformed.incrementAndGet();
            }
        }

        @Override
        public void udfError(io.numaflow.reducer.IntervalWindow window, Throwable error) {
            udfErrors.incrementAndGet();
        }
    }
}
