package io.numaflow.reducer.test;

import static io.numaflow.reducer.test.Udfs.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import io.grpc.stub.StreamObserver;
import io.numaproj.numaflow.accumulator.v1.AccumulatorGrpc;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.AccumulatorRequest;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.AccumulatorResponse;
import io.numaproj.numaflow.sessionreduce.v1.SessionReduceGrpc;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.SessionReduceRequest;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.SessionReduceResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kit fails the test, saying what the UDF did wrong, when a UDF breaks the protocol the platform relies
 * on; after each failure the same client still drives a correct window of the same server.
 */
class ProtocolViolationTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final String WINDOW = "[2026-01-01T00:00:00Z, 2026-01-01T00:01:00Z) slot=\"slot-0\"";

    static ReduceClient platform;

    @BeforeAll
    static void serve() {
        platform = ReduceClient.serve(new ProtocolBreakingReducer()).timeout(Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        platform.close();
    }

    static WindowResult window(String mode) {
        return platform.window(T0, Duration.ofMinutes(1)).send(List.of("k"), bytes(mode)).close();
    }

    void stillServesACorrectWindow() {
        assertThat(window("ok").messages()).extracting(Udfs::text).containsExactly("r");
    }

    @Test
    void aResultAfterItsWindowsEof() {
        assertThatThrownBy(() -> window("result-after-eof")).isInstanceOf(AssertionError.class).hasMessage(
                "The UDF broke the Numaflow protocol: a result (keys=[k], value=\"r\") after the EOF of window "
                        + WINDOW + ": the platform stops reading at the EOF, so it would be lost");
        stillServesACorrectWindow();
    }

    @Test
    void aSecondEof() {
        assertThatThrownBy(() -> window("two-eofs")).isInstanceOf(AssertionError.class).hasMessage(
                "The UDF broke the Numaflow protocol: a second EOF for window " + WINDOW + ": exactly one EOF per window");
        stillServesACorrectWindow();
    }

    @Test
    void noEofWithinTheClientsTimeout() {
        try (ReduceClient impatient = ReduceClient.connect(platform.socket())) {
            impatient.window(T0, Duration.ofMinutes(1)).send(List.of("k"), bytes("ok")).close(); // connected
            impatient.timeout(Duration.ofSeconds(2));
            AlignedWindow window = impatient.window(T0, Duration.ofMinutes(1)).send(List.of("k"), bytes("no-eof-hangs"));

            assertThatThrownBy(window::close).isInstanceOf(AssertionError.class)
                    .hasMessageStartingWith("The UDF broke the Numaflow protocol: no EOF for window " + WINDOW + " (")
                    .hasMessageEndingWith(" results so far) within PT2S after the ReduceFn stream of window " + WINDOW
                            + " was closed");
        }
        stillServesACorrectWindow();
    }

    @Test
    void aStreamThatEndsWithoutEof() {
        assertThatThrownBy(() -> window("no-eof-ends")).isInstanceOf(AssertionError.class).hasMessage(
                "The UDF broke the Numaflow protocol: the ReduceFn stream of window " + WINDOW + " ended (status OK) "
                        + "without an EOF: the platform waits for one EOF per window, after its results, and would "
                        + "never finish this window");
        stillServesACorrectWindow();
    }

    @Test
    void aResultThatDoesNotEchoItsWindow() {
        assertThatThrownBy(() -> window("wrong-window")).isInstanceOf(AssertionError.class).hasMessage(
                "The UDF broke the Numaflow protocol: a response for window [2026-01-01T00:00:00Z, "
                        + "2026-01-01T00:01:01Z) slot=\"slot-0\" on the ReduceFn stream of window " + WINDOW
                        + ": every response must echo the request's window (start, end and slot) unchanged");
        stillServesACorrectWindow();
    }

    @Test
    void anEofBeforeTheWindowClosedFailsTheNextSend() {
        AlignedWindow window = platform.window(T0, Duration.ofMinutes(1)).send(List.of("k"), bytes("early-eof"));
        assertThatThrownBy(() -> window.awaitResults(1)).isInstanceOf(AssertionError.class).hasMessage(
                "The UDF broke the Numaflow protocol: an EOF for window " + WINDOW + " before the window was closed: "
                        + "the platform would stop reading and lose every later result");
        assertThatThrownBy(() -> window.send(List.of("k"), bytes("more"))).isInstanceOf(AssertionError.class)
                .hasMessageContaining("an EOF for window " + WINDOW + " before the window was closed");
        stillServesACorrectWindow();
    }

    @Test
    void aFailedStreamShowsItsStatusAndDescription() {
        assertThatThrownBy(() -> window("fails")).isInstanceOf(AssertionError.class).hasMessage(
                "the ReduceFn stream of window " + WINDOW + " failed with status INTERNAL: "
                        + "UDF_EXECUTION_ERROR(reducer): java.lang.IllegalStateException: boom");
        stillServesACorrectWindow();
    }

    @Test
    void aSessionEofForASessionThePlatformNeverOpened() {
        SessionReduceGrpc.SessionReduceImplBase shiftsTheWindow = new SessionReduceGrpc.SessionReduceImplBase() {
            @Override
            public StreamObserver<SessionReduceRequest> sessionReduceFn(StreamObserver<SessionReduceResponse> out) {
                return new Ignoring<>(request -> {
                    var window = request.getOperation().getKeyedWindows(0);
                    out.onNext(SessionReduceResponse.newBuilder().setEOF(true).setKeyedWindow(window.toBuilder()
                            .setEnd(Timestamp.newBuilder().setSeconds(window.getEnd().getSeconds() + 1))).build());
                });
            }
        };
        try (ReduceClient sessions = ReduceClient.serve(shiftsTheWindow).timeout(Duration.ofSeconds(10))) {
            SessionStream stream = sessions.sessions().open(SessionWindow.of(T0, T0.plusSeconds(10), "k"), bytes("1"));

            // whether the session is still open or already closing depends on when the EOF arrives
            assertThatThrownBy(stream::finish).isInstanceOf(AssertionError.class).hasMessageStartingWith(
                    "The UDF broke the Numaflow protocol: an EOF for session [2026-01-01T00:00:00Z, "
                            + "2026-01-01T00:00:11Z) keys=[k] slot=\"0\", which the platform never opened: every "
                            + "response must echo its session's keyed window (start, end, slot \"0\", keys) unchanged; "
                            + "open sessions: ").hasMessageContaining("[2026-01-01T00:00:00Z, 2026-01-01T00:00:10Z) keys=[k]");
        }
    }

    @Test
    void anAccumulatorEofThatDoesNotEchoTheCloseWindow() {
        AccumulatorGrpc.AccumulatorImplBase shiftsTheEof = new AccumulatorGrpc.AccumulatorImplBase() {
            @Override
            public StreamObserver<AccumulatorRequest> accumulateFn(StreamObserver<AccumulatorResponse> out) {
                return new Ignoring<>(request -> {
                    if (request.getOperation().getEvent() == AccumulatorRequest.WindowOperation.Event.CLOSE) {
                        var window = request.getOperation().getKeyedWindow();
                        out.onNext(AccumulatorResponse.newBuilder().setEOF(true).setWindow(window.toBuilder()
                                .setEnd(Timestamp.newBuilder().setSeconds(window.getEnd().getSeconds() + 1))).build());
                    }
                });
            }
        };
        try (ReduceClient accumulator = ReduceClient.serve(shiftsTheEof).timeout(Duration.ofSeconds(10))) {
            AccumulatorStream stream = accumulator.accumulator().append(List.of("k"), bytes("1"), T0).close(List.of("k"));

            assertThatThrownBy(stream::finish).isInstanceOf(AssertionError.class).hasMessage(
                    "The UDF broke the Numaflow protocol: an EOF with window [2026-01-01T00:00:00Z, "
                            + "2026-01-01T00:01:01Z) keys=[k] slot=\"0\", which echoes no CLOSE the platform sent: an "
                            + "EOF must echo its CLOSE request's keyed window verbatim; awaited: [[2026-01-01T00:00:00Z, "
                            + "2026-01-01T00:01:00Z) keys=[k] slot=\"0\"]");
        }
    }

    /** A request observer that hands each request to {@code onRequest} and ignores the stream's end. */
    record Ignoring<T>(java.util.function.Consumer<T> onRequest) implements StreamObserver<T> {
        @Override
        public void onNext(T request) {
            onRequest.accept(request);
        }

        @Override
        public void onError(Throwable error) {
        }

        @Override
        public void onCompleted() {
        }
    }
}
