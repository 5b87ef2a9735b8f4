package io.numaflow.reducer.test;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.grpc.Channel;
import io.numaflow.reducer.Datum;
import io.numaflow.reducer.IntervalWindow;
import io.numaflow.reducer.Message;
import io.numaproj.numaflow.accumulator.v1.AccumulatorGrpc;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.AccumulatorRequest;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.AccumulatorRequest.WindowOperation.Event;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.AccumulatorResponse;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.KeyedWindow;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.Payload;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one long-lived stream over which the platform drives an {@link io.numaflow.reducer.Accumulator}.
 *
 * <p>Datums are grouped by keys into <em>key runs</em>: {@link #append} sends a run's first datum as OPEN (a
 * handler starts for those keys) and later ones as APPEND; {@link #close(List)} ends the run's input (the
 * platform does so when the keys were idle for the vertex's timeout): the UDF must send the run's outputs,
 * then one EOF echoing the CLOSE request's window verbatim. {@link #finish()} ends the stream (half-close):
 * every run still open must end with an EOF too. A later datum of closed keys starts a new run.
 *
 * <p>Every output must stand for an input datum: it carries that datum's id, event time and watermark. The
 * client checks that, and that each output's window stays with its run's keys and never moves back; anything
 * else fails the test with an {@link AssertionError} saying what the UDF did wrong.
 *
 * <p>Not thread-safe: one test thread drives a stream.
 */
public final class AccumulatorStream {

    private static final String SLOT = "0";

    private final Duration runTimeout;
    private final Call call;
    private final Map<List<String>, Run> open = new LinkedHashMap<>();
    /** Runs in the order their input ended (CLOSE, or the half-close): the order of {@code runs()}. */
    private final List<Run> closedOrder = new ArrayList<>();
    private final Map<KeyedWindow, Run> closing = new LinkedHashMap<>();
    private final Map<String, Run> runOfId = new HashMap<>();
    private final List<Run> ended = new ArrayList<>();
    private final List<AccumulatedMessage> outputs = new ArrayList<>();
    private long ids;

    AccumulatorStream(Channel channel, Duration runTimeout, Duration timeout) {
        this.runTimeout = runTimeout;
        this.call = new Call(timeout);
        AccumulatorGrpc.newStub(channel).accumulateFn(call);
    }

    /**
     * Sends a datum with its event time (also its watermark); the client gives it a unique id.
     *
     * @param keys the datum's keys: its key run
     * @param value the payload
     * @param eventTime the datum's event time
     * @return this stream
     */
    public AccumulatorStream append(List<String> keys, byte[] value, Instant eventTime) {
        return append(new Datum(keys, value, eventTime, eventTime, Map.of()));
    }

    /**
     * Sends a datum: OPEN when its keys have no open run, else APPEND. A datum without an id gets a unique one.
     *
     * @param datum the datum
     * @return this stream
     */
    public AccumulatorStream append(Datum datum) {
        synchronized (call) {
            Run run = open.get(datum.keys());
            Event event = Event.APPEND;
            if (run == null) {
                event = Event.OPEN;
                Instant start = datum.eventTime();
                run = new Run(datum.keys(), KeyedWindow.newBuilder().setStart(Wire.timestamp(start))
                        .setEnd(Wire.timestamp(start.plus(runTimeout))).setSlot(SLOT).addAllKeys(datum.keys())
                        .build());
            }
            String id = datum.id().isEmpty() ? "datum-" + ++ids : datum.id();
            call.send(AccumulatorRequest.newBuilder()
                    .setOperation(AccumulatorRequest.WindowOperation.newBuilder().setEvent(event)
                            .setKeyedWindow(run.window))
                    .setPayload(Payload.newBuilder().addAllKeys(datum.keys()).setValue(ByteString.copyFrom(datum.value()))
                            .setEventTime(Wire.timestamp(datum.eventTime()))
                            .setWatermark(Wire.timestamp(datum.watermark())).setId(id).putAllHeaders(datum.headers()))
                    .build());
            open.put(run.keys, run);
            runOfId.put(id, run);
        }
        return this;
    }

    /**
     * Closes the open key run of {@code keys}: the UDF must answer its outputs, then one EOF echoing the CLOSE
     * request's window (the run's window: its first event time to that plus the run timeout).
     *
     * @param keys the run's keys
     * @return this stream
     * @throws IllegalArgumentException when no run of these keys is open
     */
    public AccumulatorStream close(List<String> keys) {
        synchronized (call) {
            Run run = open.get(keys);
            if (run == null) {
                throw new IllegalArgumentException("no key run of " + keys + " is open; open: " + open.keySet());
            }
            call.send(AccumulatorRequest.newBuilder().setOperation(AccumulatorRequest.WindowOperation.newBuilder()
                    .setEvent(Event.CLOSE).setKeyedWindow(run.window)).build());
            open.remove(keys);
            closing.put(run.window, run);
            closedOrder.add(run);
        }
        return this;
    }

    /**
     * The outputs that have arrived so far.
     *
     * @return a snapshot in arrival order
     */
    public List<AccumulatedMessage> received() {
        synchronized (call) {
            call.failIfBroken();
            return List.copyOf(outputs);
        }
    }

    /**
     * Ends the stream (half-close): every open run's input ends. Waits for every output and EOF and for the
     * stream to end OK.
     *
     * @return the outputs and the ended runs
     * @throws AssertionError when the UDF broke the protocol, failed, or did not answer within the timeout
     */
    public AccumulatorResults finish() {
        synchronized (call) {
            closedOrder.addAll(open.values());
            call.halfClose();
            call.awaitEnd();
            List<ClosedWindow> runs = closedOrder.stream().map(run -> new ClosedWindow(
                    new IntervalWindow(Wire.instant(run.eof.getStart()), Wire.instant(run.eof.getEnd())), run.keys,
                    run.outputs.stream().map(AccumulatedMessage::message).toList())).toList();
            return new AccumulatorResults(outputs, runs);
        }
    }

    /** One key run: OPEN to EOF. */
    private static final class Run {
        final List<String> keys;
        final KeyedWindow window;
        final List<AccumulatedMessage> outputs = new ArrayList<>();
        Timestamp highestEnd = Timestamp.getDefaultInstance();
        KeyedWindow eof;

        Run(List<String> keys, KeyedWindow window) {
            this.keys = List.copyOf(keys);
            this.window = window;
        }
    }

    private final class Call extends PlatformStream<AccumulatorRequest, AccumulatorResponse> {

        Call(Duration timeout) {
            super(timeout);
        }

        @Override
        String what() {
            return "the AccumulateFn stream";
        }

        @Override
        String check(AccumulatorResponse response) {
            if (!response.hasWindow()) {
                return (response.getEOF() ? "an EOF" : "an output") + " without a window: the platform cannot tell "
                        + "which key run it belongs to";
            }
            return response.getEOF() ? checkEof(response.getWindow()) : checkOutput(response);
        }

        private String checkEof(KeyedWindow window) {
            Run run = closing.remove(window);
            if (run == null && halfClosed()) {
                run = open.get(window.getKeysList());
                if (run != null && (window.getStart().getSeconds() != 0 || window.getStart().getNanos() != 0
                        || !window.getEnd().equals(run.highestEnd))) {
                    return "an EOF for key run " + run.keys + " at the stream's end with window " + describe(window)
                            + ": it must span epoch 0 to the run's highest output watermark "
                            + Wire.instant(run.highestEnd);
                }
                if (run != null) {
                    open.remove(run.keys);
                }
            }
            if (run == null) {
                boolean again = ended.stream().anyMatch(done -> done.eof.equals(window));
                return again ? "a second EOF with window " + describe(window) + ": exactly one EOF per closed key run"
                        : "an EOF with window " + describe(window) + ", which echoes no CLOSE the platform sent: an "
                                + "EOF must echo its CLOSE request's keyed window verbatim; awaited: "
                                + closing.keySet().stream().map(AccumulatorStream::describe).toList();
            }
            run.eof = window;
            ended.add(run);
            return null;
        }

        private String checkOutput(AccumulatorResponse response) {
            Payload payload = response.getPayload();
            Run run = runOfId.get(payload.getId());
            if (run == null) {
                return "an output (value=" + Wire.describe(payload.getValue()) + ") with id \"" + payload.getId()
                        + "\", which no input datum had: every output must carry its source datum's id (the "
                        + "platform de-duplicates outputs by it)";
            }
            if (run.eof != null) {
                return "an output (id \"" + payload.getId() + "\") after the EOF of key run " + run.keys
                        + ": the platform has cleaned the run up, so it would be lost";
            }
            if (!payload.hasEventTime()) {
                return "an output (id \"" + payload.getId() + "\") without an event time: the platform requires one";
            }
            KeyedWindow window = response.getWindow();
            if (!window.getKeysList().equals(run.keys)) {
                return "an output (id \"" + payload.getId() + "\") with window keys " + window.getKeysList()
                        + " for a datum of key run " + run.keys;
            }
            if (compare(window.getEnd(), run.highestEnd) < 0) {
                return "an output window end " + Wire.instant(window.getEnd()) + " of key run " + run.keys
                        + " before the previous " + Wire.instant(run.highestEnd) + ": it must never move back";
            }
            run.highestEnd = window.getEnd();
            AccumulatedMessage output = new AccumulatedMessage(
                    new Message(payload.getValue().toByteArray(), payload.getKeysList(), response.getTagsList()),
                    payload.getId(), Wire.instant(payload.getEventTime()), Wire.instant(payload.getWatermark()),
                    payload.getHeadersMap());
            run.outputs.add(output);
            outputs.add(output);
            return null;
        }

        @Override
        String checkCompleted() {
            return closing.isEmpty() && open.isEmpty() ? null : what() + " ended (status OK) without an EOF for "
                    + "the key runs " + runsAwaited() + ": the platform waits for one EOF per key run";
        }

        @Override
        String missing() {
            return "no EOF for the key runs " + runsAwaited();
        }

        private List<List<String>> runsAwaited() {
            List<List<String>> keys = new ArrayList<>(open.keySet());
            closing.values().forEach(run -> keys.add(run.keys));
            return keys;
        }
    }

    private static int compare(Timestamp a, Timestamp b) {
        return a.getSeconds() != b.getSeconds() ? Long.compare(a.getSeconds(), b.getSeconds())
                : Integer.compare(a.getNanos(), b.getNanos());
    }

    private static String describe(KeyedWindow window) {
        return Wire.describe(window.getStart(), window.getEnd(), window.getSlot(), window.getKeysList());
    }
}
