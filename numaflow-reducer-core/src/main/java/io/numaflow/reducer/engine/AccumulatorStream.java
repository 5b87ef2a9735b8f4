package io.numaflow.reducer.engine;

import com.google.protobuf.Timestamp;
import io.grpc.stub.ServerCallStreamObserver;
import io.numaflow.reducer.Accumulator;
import io.numaflow.reducer.AccumulatorOutput;
import io.numaflow.reducer.Datum;
import io.numaflow.reducer.IntervalWindow;
import io.numaflow.reducer.Message;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.AccumulatorRequest;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.AccumulatorRequest.WindowOperation.Event;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.AccumulatorResponse;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.KeyedWindow;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.Payload;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The platform's one long-lived {@code AccumulateFn} call, carrying every key.
 *
 * <p>A key run lasts from the key's OPEN (or an APPEND for a key not open) to its CLOSE, with an
 * {@link Accumulator} task of its own. Each output is anchored to its source datum (id, event time, watermark,
 * headers) and carries a window from epoch 0 to the highest watermark of the run's outputs so far. After a
 * CLOSE, once the handler has returned, the EOF echoes the CLOSE request's window verbatim (the platform
 * cleans its state up to that end). The half-close ends every run the same way, with an EOF that carries the
 * run's keys and highest watermark.
 */
final class AccumulatorStream extends StreamCall<AccumulatorRequest, AccumulatorResponse> {

    private final Supplier<? extends Accumulator> accumulators;
    private final Map<List<String>, Run> runs = new HashMap<>();

    AccumulatorStream(ServerCallStreamObserver<AccumulatorResponse> responses, EngineSettings settings,
            Supplier<? extends Accumulator> accumulators) {
        super(responses, settings);
        this.accumulators = accumulators;
    }

    @Override
    String problemWith(AccumulatorRequest request) {
        AccumulatorRequest.WindowOperation operation = request.getOperation();
        Event event = operation.getEvent();
        if (event == Event.UNRECOGNIZED) {
            return WireFormat.unknownEvent(operation.getEventValue(), Event.getDescriptor());
        }
        if (!operation.hasKeyedWindow()) {
            return event + " request has no keyed window";
        }
        if (event != Event.CLOSE && !request.hasPayload()) {
            return event + " request has no payload";
        }
        return null;
    }

    @Override
    synchronized void apply(AccumulatorRequest request) {
        KeyedWindow window = request.getOperation().getKeyedWindow();
        if (request.getOperation().getEvent() == Event.CLOSE) {
            Run run = runs.remove(window.getKeysList());
            if (run != null) {
                run.close(window);
            } else {
                // Nothing of this key is open here: the platform still needs the EOF to clean its state up.
                send(AccumulatorResponse.newBuilder().setWindow(window).setEOF(true).build());
            }
            return;
        }
        Run run = runs.get(window.getKeysList());
        if (run == null) {
            run = open(window);
            if (run == null) {
                return; // the call has ended
            }
        }
        Payload payload = request.getPayload();
        run.task.offer(WireFormat.datum(run.keys, payload.getValue(), payload.getEventTime(), payload.getWatermark(),
                payload.getHeadersMap(), payload.getId()));
        listener().datumReceived();
    }

    @Override
    synchronized void closeAll() {
        runs.values().forEach(run -> run.close(null));
        runs.clear();
    }

    private Run open(KeyedWindow window) {
        Run run = new Run(List.copyOf(window.getKeysList()), window.getSlot());
        AccumulatorOutput output = (source, message) -> {
            Objects.requireNonNull(source, "source must not be null");
            Objects.requireNonNull(message, "message must not be null");
            run.gate.pass(() -> run.send(source, message));
        };
        run.task = startGroup(run.keys, run.gate.closingAfter(datums -> {
            accumulators.get().accumulate(run.keys, datums, output);
            return null;
        }), true, new IntervalWindow(Instant.EPOCH, WireFormat.instant(window.getEnd())), run.unit);
        if (run.task == null) {
            return null;
        }
        runs.put(run.keys, run);
        return run;
    }

    /**
     * One key run: what the engine keeps per open key. Kept small (many keys stay open for long): the keys, the
     * slot, the output gate, the highest watermark sent and the task; the user's state is the handler's own.
     * Nothing refers to it once its EOF is out.
     */
    private final class Run {
        final List<String> keys;
        final String slot;
        final OutputGate gate = new OutputGate();
        /**
         * Written holding this run's lock (held while one output is built and written, so the window ends on the
         * wire never move back); read without it by the EOF, which must never wait for a sender.
         */
        private volatile Timestamp highestWatermark = Timestamp.getDefaultInstance();
        volatile KeyedWindow closeWindow; // the CLOSE request's, echoed by the EOF; null for the half-close
        /** Ends with an EOF that echoes the CLOSE request's window, or for the half-close its own. */
        final Unit unit = openUnit(() -> AccumulatorResponse.newBuilder()
                .setWindow(closeWindow != null ? closeWindow : window(highestWatermark)).setEOF(true).build());
        GroupTask<Void> task;

        Run(List<String> keys, String slot) {
            this.keys = keys;
            this.slot = slot;
        }

        void close(KeyedWindow closeRequestWindow) {
            closeWindow = closeRequestWindow;
            task.closeInputAndStart();
            unit.close();
        }

        /**
         * Writes one output once the platform reads. A handler may send from several threads: the window end is
         * computed and written under one lock per run, so a later output never carries a lower end.
         */
        void send(Datum source, Message message) {
            Timestamp watermark = WireFormat.timestamp(source.watermark());
            synchronized (this) {
                if (WireFormat.compare(watermark, highestWatermark) > 0) {
                    highestWatermark = watermark;
                }
                emit(AccumulatorResponse.newBuilder()
                        .setPayload(Payload.newBuilder()
                                .addAllKeys(message.keys())
                                .setValue(WireFormat.value(message))
                                .setEventTime(WireFormat.timestamp(source.eventTime()))
                                .setWatermark(watermark)
                                .setId(source.id())
                                .putAllHeaders(source.headers()))
                        .setWindow(window(highestWatermark))
                        .addAllTags(message.tags())
                        .build());
            }
        }

        /** From epoch 0 to {@code end}, the highest watermark of the run's outputs so far. */
        private KeyedWindow window(Timestamp end) {
            return KeyedWindow.newBuilder()
                    .setStart(Timestamp.getDefaultInstance())
                    .setEnd(end)
                    .setSlot(slot)
                    .addAllKeys(keys)
                    .build();
        }
    }
}
