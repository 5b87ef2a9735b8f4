package io.numaflow.reducer.test;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.numaflow.reducer.Datum;
import io.numaflow.reducer.IntervalWindow;
import io.numaflow.reducer.Message;
import io.numaproj.numaflow.reduce.v1.ReduceGrpc;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest.WindowOperation.Event;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.Window;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One open window of a fixed or sliding window vertex, as the platform feeds it to a {@link
 * io.numaflow.reducer.Reducer} or {@link io.numaflow.reducer.ReduceStreamer}.
 *
 * <p>The platform opens one gRPC stream per window. Every datum you {@code send} goes to the group of its keys:
 * the first datum of a group is sent as OPEN, later ones as APPEND. {@link #close()} is the window's close
 * (the platform half-closes the stream): the UDF must then answer every group's results, each carrying this
 * window, then exactly one EOF, then end the stream with OK. Anything else fails the test with an {@link
 * AssertionError} that says what the UDF did wrong.
 *
 * <p>A {@code ReduceStreamer} may answer before the close: {@link #received()} and {@link #awaitResults(int)}
 * show results as they arrive.
 *
 * <p>Not thread-safe: one test thread drives a window.
 */
public final class AlignedWindow {

    private final Window window;
    private final IntervalWindow interval;
    private final Call call;
    private final Set<List<String>> openedGroups = new HashSet<>();

    AlignedWindow(Channel channel, Instant start, Duration size, Duration timeout) {
        this.interval = new IntervalWindow(start, start.plus(size));
        this.window = Window.newBuilder().setStart(Wire.timestamp(interval.start()))
                .setEnd(Wire.timestamp(interval.end())).setSlot("slot-0").build();
        this.call = new Call(timeout);
        ReduceGrpc.newStub(channel).reduceFn(call);
    }

    /**
     * The window's bounds.
     *
     * @return start (inclusive) and end (exclusive)
     */
    public IntervalWindow window() {
        return interval;
    }

    /**
     * Sends a datum with event time and watermark at the window's start and no headers.
     *
     * @param keys the datum's keys: the group it belongs to
     * @param value the payload
     * @return this window
     */
    public AlignedWindow send(List<String> keys, byte[] value) {
        return send(keys, value, interval.start());
    }

    /**
     * Sends a datum with its event time; the watermark is the window's start.
     *
     * @param keys the datum's keys
     * @param value the payload
     * @param eventTime the datum's event time
     * @return this window
     */
    public AlignedWindow send(List<String> keys, byte[] value, Instant eventTime) {
        return send(keys, value, eventTime, interval.start());
    }

    /**
     * Sends a datum with its event time and the watermark it travels with.
     *
     * @param keys the datum's keys
     * @param value the payload
     * @param eventTime the datum's event time
     * @param watermark the watermark
     * @return this window
     */
    public AlignedWindow send(List<String> keys, byte[] value, Instant eventTime, Instant watermark) {
        return send(keys, value, eventTime, watermark, Map.of());
    }

    /**
     * Sends a datum with every field the platform sets.
     *
     * @param keys the datum's keys
     * @param value the payload
     * @param eventTime the datum's event time
     * @param watermark the watermark
     * @param headers the message headers
     * @return this window
     */
    public AlignedWindow send(List<String> keys, byte[] value, Instant eventTime, Instant watermark,
            Map<String, String> headers) {
        return send(new Datum(keys, value, eventTime, watermark, headers));
    }

    /**
     * Sends a datum as it is (its id is not part of this protocol).
     *
     * @param datum keys, value, event time, watermark and headers to send
     * @return this window
     */
    public AlignedWindow send(Datum datum) {
        synchronized (call) {
            Event event = openedGroups.contains(datum.keys()) ? Event.APPEND : Event.OPEN;
            call.send(ReduceRequest.newBuilder()
                    .setOperation(ReduceRequest.WindowOperation.newBuilder().setEvent(event).addWindows(window))
                    .setPayload(ReduceRequest.Payload.newBuilder().addAllKeys(datum.keys())
                            .setValue(ByteString.copyFrom(datum.value()))
                            .setEventTime(Wire.timestamp(datum.eventTime()))
                            .setWatermark(Wire.timestamp(datum.watermark()))
                            .putAllHeaders(datum.headers()))
                    .build());
            openedGroups.add(datum.keys());
        }
        return this;
    }

    /**
     * The results that have arrived so far (a {@code ReduceStreamer} sends them before the close).
     *
     * @return a snapshot, in arrival order
     */
    public List<Message> received() {
        synchronized (call) {
            call.failIfBroken();
            return List.copyOf(call.results);
        }
    }

    /**
     * Waits until at least {@code count} results have arrived, without closing the window.
     *
     * @param count how many results to wait for
     * @return the results so far, in arrival order
     * @throws AssertionError when they do not arrive within the client's timeout, or the UDF broke the protocol
     */
    public List<Message> awaitResults(int count) {
        synchronized (call) {
            call.awaitOrFail(() -> call.results.size() >= count, count + " results (got " + call.results.size() + ")");
            return List.copyOf(call.results);
        }
    }

    /**
     * Closes the window as the platform does (half-closes the stream) and waits for the UDF's answer.
     *
     * @return the window's results
     * @throws AssertionError when the UDF broke the protocol, failed, or did not answer within the timeout
     * @throws IllegalStateException when no datum was sent: the platform never opens an empty window
     */
    public WindowResult close() {
        synchronized (call) {
            if (openedGroups.isEmpty()) {
                throw new IllegalStateException("send at least one datum: the platform never opens an empty window");
            }
            call.halfClose();
            call.awaitEnd();
            return new WindowResult(interval, call.results);
        }
    }

    private final class Call extends PlatformStream<ReduceRequest, ReduceResponse> {
        final List<Message> results = new ArrayList<>();
        boolean eof;

        Call(Duration timeout) {
            super(timeout);
        }

        @Override
        String what() {
            return "the ReduceFn stream of window " + describe(window);
        }

        @Override
        String check(ReduceResponse response) {
            if (!response.hasWindow()) {
                return (response.getEOF() ? "an EOF" : "a result") + " without a window on " + what()
                        + ": every response must echo the request's window";
            }
            if (!response.getWindow().equals(window)) {
                return "a response for window " + describe(response.getWindow()) + " on " + what()
                        + ": every response must echo the request's window (start, end and slot) unchanged";
            }
            if (eof) {
                return response.getEOF() ? "a second EOF for window " + describe(window) + ": exactly one EOF per window"
                        : "a result (keys=" + response.getResult().getKeysList() + ", value="
                                + Wire.describe(response.getResult().getValue()) + ") after the EOF of window "
                                + describe(window) + ": the platform stops reading at the EOF, so it would be lost";
            }
            if (response.getEOF()) {
                if (!halfClosed()) {
                    return "an EOF for window " + describe(window) + " before the window was closed: the platform "
                            + "would stop reading and lose every later result";
                }
                eof = true;
                return null;
            }
            ReduceResponse.Result result = response.getResult();
            results.add(new Message(result.getValue().toByteArray(), result.getKeysList(), result.getTagsList()));
            return null;
        }

        @Override
        String checkCompleted() {
            return eof ? null : what() + " ended (status OK) without an EOF: the platform waits for one EOF per "
                    + "window, after its results, and would never finish this window";
        }

        @Override
        String missing() {
            return eof ? "the stream did not end (no status)"
                    : "no EOF for window " + describe(window) + " (" + results.size() + " results so far)";
        }
    }

    private static String describe(Window window) {
        return Wire.describe(window.getStart(), window.getEnd(), window.getSlot(), null);
    }
}
