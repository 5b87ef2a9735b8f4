package io.numaflow.reducer.engine;

import static io.numaflow.reducer.wire.RawReduceDriver.PATIENCE;
import static io.numaflow.reducer.wire.SessionCall.request;
import static io.numaflow.reducer.wire.SessionCall.text;
import static io.numaflow.reducer.wire.SessionCall.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.rpc.DebugInfo;
import io.grpc.Status;
import io.numaflow.reducer.Datum;
import io.numaflow.reducer.Message;
import io.numaflow.reducer.Output;
import io.numaflow.reducer.SessionReducer;
import io.numaflow.reducer.wire.SessionCall;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.KeyedWindow;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.SessionReduceRequest;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.SessionReduceRequest.WindowOperation.Event;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.SessionReduceResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input, failing session reducers and cancels over the real socket: each gets its exact status, nothing is
 * left behind, and the same server serves the next stream.
 */
class SessionFaultsTest {

    static final KeyedWindow W = window(0, 60_000, "k");

    @TempDir
    Path dir;

    private SessionFixture fixture;
    private final AtomicReference<Supplier<SessionReducer>> reducers =
            new AtomicReference<>(SessionFixture.Concat::new);

    @BeforeEach
    void start() throws Exception {
        fixture = new SessionFixture(dir, () -> reducers.get().get());
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
    }

    /** A normal session is served correctly: the proof that a fault left the server serving. */
    private void assertStillServes() {
        reducers.set(SessionFixture.Concat::new);
        KeyedWindow after = window(0, 1000, "after");
        List<SessionReduceResponse> responses = fixture.call().open(after, "v").closeAndAwait();
        assertThat(responses).hasSize(2);
        assertThat(text(responses.get(0))).isEqualTo("v");
        assertThat(responses.get(1).getEOF()).isTrue();
        assertThat(responses.get(1).getKeyedWindow()).isEqualTo(after);
    }

    @Test
    void aThrowingSessionReduceEndsTheStreamInThePlatformsFormat() throws Exception {
        reducers.set(() -> new SessionFixture.Concat() {
            @Override
            public void sessionReduce(List<String> keys, Iterable<Datum> datums, Output output) throws Exception {
                if (keys.contains("bad")) {
                    datums.forEach(d -> { });
                    throw new IllegalStateException("boom in " + keys);
                }
                super.sessionReduce(keys, datums, output);
            }
        });
        SessionCall call = fixture.call().open(W, "v").open(window(0, 60_000, "bad"), "v")
                .close(window(0, 60_000, "bad"));

        Status status = call.awaitStatus();

        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription())
                .isEqualTo("UDF_EXECUTION_ERROR(udf): java.lang.IllegalStateException: boom in [bad]");
        DebugInfo debug = call.richStatus().getDetails(0).unpack(DebugInfo.class);
        assertThat(debug.getDetail()).startsWith("java.lang.IllegalStateException: boom in [bad]")
                .contains("at io.numaflow.reducer.engine.SessionFaultsTest");
        assertThat(call.responses()).as("no EOF of the failed session").noneMatch(SessionReduceResponse::getEOF);
        assertThat(fixture.streams.udfErrors).hasValue(1);
        await().atMost(PATIENCE).until(() -> fixture.groups.open() == 0);
        assertStillServes();
    }

    @Test
    void anAccumulatorThatThrowsDuringAMergeEndsTheStreamInThePlatformsFormat() throws Exception {
        reducers.set(() -> new SessionFixture.Concat() {
            @Override
            public byte[] accumulator() {
                throw new IllegalStateException("no state for " + values);
            }
        });
        KeyedWindow second = window(30_000, 90_000, "k");
        SessionCall call = fixture.call().open(W, "a").open(second, "b").merge(W, second)
                .append(window(0, 90_000, "k"), "after");

        Status status = call.awaitStatus();

        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription())
                .isEqualTo("UDF_EXECUTION_ERROR(udf): java.lang.IllegalStateException: no state for [a]");
        assertThat(call.responses()).as("merged-away sessions send nothing").isEmpty();
        assertThat(fixture.streams.udfErrors).hasValue(1);
        await().atMost(PATIENCE).until(() -> fixture.groups.open() == 0);
        assertStillServes();
    }

    @Test
    void anExpandOfAnUnknownSessionIsInvalidArgument() {
        SessionCall call = fixture.call().open(W, "v").expand(window(5, 60_000, "k"), window(5, 90_000, "k"), "x");

        Status status = call.awaitStatus();

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription())
                .isEqualTo("EXPAND of an unknown session [1970-01-01T00:00:00.005Z, 1970-01-01T00:01:00Z) keys [k]");
        assertThat(fixture.streams.malformed).hasValue(1);
        await().atMost(PATIENCE).until(() -> fixture.groups.open() == 0);
        assertStillServes();
    }

    @Test
    void aMergeOfAnUnknownSessionIsInvalidArgumentAndMergesNothing() {
        KeyedWindow elsewhere = window(120_000, 180_000, "k");
        SessionCall call = fixture.call().open(W, "v").merge(W, elsewhere);

        Status status = call.awaitStatus();

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription())
                .isEqualTo("MERGE of an unknown session [1970-01-01T00:02:00Z, 1970-01-01T00:03:00Z) keys [k]");
        assertThat(call.responses()).isEmpty();
        assertStillServes();
    }

    static Stream<Arguments> malformedRequests() {
        SessionReduceRequest open = request(Event.OPEN, "v", W);
        SessionReduceRequest.WindowOperation.Builder operation = open.getOperation().toBuilder();
        return Stream.of(
                Arguments.of("OPEN without a window", open.toBuilder().setOperation(operation.clone().clearKeyedWindows())
                        .build(), "OPEN request has no keyed window: it must carry exactly one keyed window"),
                Arguments.of("no operation at all", open.toBuilder().clearOperation().build(),
                        "OPEN request has no keyed window: it must carry exactly one keyed window"),
                Arguments.of("APPEND with two windows", request(Event.APPEND, "v", W, W),
                        "APPEND request has 2 keyed windows: it must carry exactly one keyed window"),
                Arguments.of("OPEN without payload", open.toBuilder().clearPayload().build(),
                        "OPEN request has no payload"),
                Arguments.of("APPEND without payload", request(Event.APPEND, null, W), "APPEND request has no payload"),
                Arguments.of("EXPAND with one window", request(Event.EXPAND, "v", W),
                        "EXPAND request has one keyed window: it must carry two keyed windows, the session's old and new"),
                Arguments.of("EXPAND with three windows", request(Event.EXPAND, "v", W, W, W),
                        "EXPAND request has 3 keyed windows: it must carry two keyed windows, the session's old and new"),
                Arguments.of("EXPAND without payload", request(Event.EXPAND, null, W, window(0, 90_000, "k")),
                        "EXPAND request has no payload"),
                Arguments.of("MERGE with one window", request(Event.MERGE, null, W),
                        "MERGE request has one keyed window: it must carry at least two keyed windows"),
                Arguments.of("CLOSE without a window", request(Event.CLOSE, null),
                        "CLOSE request has no keyed window: it must carry at least one"),
                Arguments.of("unknown event", open.toBuilder().setOperation(operation.clone().setEventValue(7)).build(),
                        "unknown window operation event 7: expected OPEN (0), CLOSE (1), EXPAND (2), MERGE (3) or APPEND (4)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedRequests")
    void aMalformedRequestEndsTheStreamWithInvalidArgument(String name, SessionReduceRequest bad, String message) {
        SessionCall call = fixture.call().open(W, "v").send(bad);

        Status status = call.awaitStatus();

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).isEqualTo(message);
        assertThat(fixture.streams.malformed).hasValue(1);
        await().atMost(PATIENCE).until(() -> fixture.groups.open() == 0);
        assertStillServes();
    }

    @Test
    void aCancelStopsEverySessionAndFreesItsThreads() throws Exception {
        Set<Thread> before = ReducerThreads.now();
        CountDownLatch started = new CountDownLatch(10);
        CountDownLatch ended = new CountDownLatch(10);
        reducers.set(() -> new SessionFixture.Concat() {
            @Override
            public void sessionReduce(List<String> keys, Iterable<Datum> datums, Output output) throws Exception {
                started.countDown();
                try {
                    super.sessionReduce(keys, datums, output); // blocks until the session closes or the stream ends
                } finally {
                    ended.countDown();
                }
            }
        });
        SessionCall call = fixture.call();
        for (int s = 0; s < 10; s++) {
            call.open(window(0, 60_000, "k" + s), "v");
        }
        assertThat(started.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(ReducerThreads.since(before)).hasSize(10);
        assertThat(fixture.groups.open()).isEqualTo(10);

        call.cancel();

        assertThat(ended.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("every handler saw the end").isTrue();
        assertThat(call.awaitStatus().getCode()).isEqualTo(Status.Code.CANCELLED);
        await().atMost(PATIENCE).until(() -> fixture.groups.open() == 0);
        await().atMost(PATIENCE).until(() -> fixture.streams.closed.get() == fixture.streams.opened.get());
        await().atMost(PATIENCE).until(() -> ReducerThreads.since(before).isEmpty());
        assertStillServes();
    }

    @Test
    void aCancelWhileAMergedSessionWaitsForItsPredecessorsStopsThemAll() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        reducers.set(() -> new SessionFixture.Concat() {
            @Override
            public void sessionReduce(List<String> keys, Iterable<Datum> datums, Output output) throws Exception {
                super.sessionReduce(keys, datums, output);
                blocked.countDown();
                new CountDownLatch(1).await(); // a handler that never returns: its merge waits for it
            }
        });
        KeyedWindow second = window(30_000, 90_000, "k");
        SessionCall call = fixture.call().open(W, "a").open(second, "b").merge(W, second);
        assertThat(blocked.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();

        call.cancel();

        assertThat(call.awaitStatus().getCode()).isEqualTo(Status.Code.CANCELLED);
        await().atMost(PATIENCE).until(() -> fixture.groups.open() == 0);
        assertStillServes();
    }

    @Test
    void sendAfterTheHandlerReturnedThrowsIllegalState() throws Exception {
        AtomicReference<Output> leaked = new AtomicReference<>();
        reducers.set(() -> new SessionFixture.Concat() {
            @Override
            public void sessionReduce(List<String> keys, Iterable<Datum> datums, Output output) throws Exception {
                leaked.set(output);
                super.sessionReduce(keys, datums, output);
            }
        });
        SessionCall call = fixture.call().open(W, "v").close(W);
        await().atMost(PATIENCE).until(() -> call.responses().size() == 2);

        assertThatThrownBy(() -> leaked.get().send(Message.of(new byte[] {1})))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the handler has returned: its output is closed");
        assertThat(call.closeAndAwait()).hasSize(2);
    }

}
