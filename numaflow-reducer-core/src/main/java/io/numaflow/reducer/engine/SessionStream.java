package io.numaflow.reducer.engine;

import io.grpc.stub.ServerCallStreamObserver;
import io.numaflow.reducer.IntervalWindow;
import io.numaflow.reducer.Message;
import io.numaflow.reducer.Output;
import io.numaflow.reducer.SessionReducer;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.KeyedWindow;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.SessionReduceRequest;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.SessionReduceRequest.WindowOperation.Event;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.SessionReduceResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * The platform's one long-lived {@code SessionReduceFn} call, carrying every session.
 *
 * <p>A session is a keyed window, identified by start, end and keys, with a {@link SessionReducer} instance of
 * its own running as a task. OPEN and APPEND route a datum to it (opening it if unknown); EXPAND gives it a new
 * window; MERGE ends the input of the listed sessions (their later output is dropped, and they send no EOF) and
 * opens one merged session whose task first waits for theirs, folds their {@link SessionReducer#accumulator()
 * accumulators} into a new instance in request order, then receives the datums that follow; CLOSE (and the half-close, for all) ends a session's input, and once its handler has
 * returned, its EOF carrying its window goes out. Requests are applied in order on the transport thread, which
 * never waits for a handler: datums that follow a MERGE queue in the merged session's channel.
 */
final class SessionStream extends StreamCall<SessionReduceRequest, SessionReduceResponse> {

    private final Supplier<? extends SessionReducer> reducers;
    private final Map<SessionId, Session> sessions = new HashMap<>();

    SessionStream(ServerCallStreamObserver<SessionReduceResponse> responses, EngineSettings settings,
            Supplier<? extends SessionReducer> reducers) {
        super(responses, settings);
        this.reducers = reducers;
    }

    @Override
    String problemWith(SessionReduceRequest request) {
        SessionReduceRequest.WindowOperation operation = request.getOperation();
        Event event = operation.getEvent();
        int windows = operation.getKeyedWindowsCount();
        return switch (event) {
            case OPEN, APPEND -> windows != 1 ? event + " request has " + count(windows)
                    + ": it must carry exactly one keyed window"
                    : request.hasPayload() ? null : event + " request has no payload";
            case EXPAND -> windows != 2 ? "EXPAND request has " + count(windows)
                    + ": it must carry two keyed windows, the session's old and new"
                    : request.hasPayload() ? null : "EXPAND request has no payload";
            case MERGE -> windows < 2 ? "MERGE request has " + count(windows)
                    + ": it must carry at least two keyed windows" : null;
            case CLOSE -> windows < 1 ? "CLOSE request has no keyed window: it must carry at least one" : null;
            case UNRECOGNIZED -> WireFormat.unknownEvent(operation.getEventValue(), Event.getDescriptor());
        };
    }

    @Override
    synchronized void apply(SessionReduceRequest request) {
        List<KeyedWindow> windows = request.getOperation().getKeyedWindowsList();
        switch (request.getOperation().getEvent()) {
            case OPEN, APPEND -> {
                Session session = sessions.get(SessionId.of(windows.get(0)));
                offer(session != null ? session : open(windows.get(0), List.of()), request.getPayload());
            }
            case EXPAND -> {
                Session session = sessions.remove(SessionId.of(windows.get(0)));
                if (session == null) {
                    reject("EXPAND of an unknown session " + describe(windows.get(0)));
                    return;
                }
                session.window = windows.get(1);
                sessions.put(SessionId.of(windows.get(1)), session);
                offer(session, request.getPayload());
            }
            case MERGE -> merge(windows, request);
            case CLOSE -> windows.forEach(window -> {
                Session session = sessions.remove(SessionId.of(window));
                if (session != null) {
                    session.close();
                }
            });
            default -> throw new IllegalStateException("checked by problemWith");
        }
    }

    @Override
    synchronized void closeAll() {
        sessions.values().forEach(Session::close);
        sessions.clear();
    }

    private void offer(Session session, SessionReduceRequest.Payload payload) {
        if (session == null) {
            return; // the call has ended
        }
        session.task.offer(WireFormat.datum(session.task.keys(), payload.getValue(), payload.getEventTime(),
                payload.getWatermark(), payload.getHeadersMap(), ""));
        listener().datumReceived();
    }

    /**
     * Every listed session's input ends; one new session, their merge, takes their place. The platform lists
     * the merge's own target window too (it sends {@code [closing, active, merged]}, where {@code merged} is
     * not open here yet): a listed window that is not open is accepted when it is exactly the merged window,
     * and is an unknown session otherwise.
     */
    private void merge(List<KeyedWindow> windows, SessionReduceRequest request) {
        KeyedWindow merged = mergedWindow(windows);
        SessionId target = SessionId.of(merged);
        List<Session> merging = new ArrayList<>(windows.size());
        for (KeyedWindow window : windows) {
            Session session = sessions.get(SessionId.of(window));
            if (session == null && !SessionId.of(window).equals(target)) {
                reject("MERGE of an unknown session " + describe(window));
                return;
            }
            if (session != null && !merging.contains(session)) {
                merging.add(session);
            }
        }
        if (merging.isEmpty()) {
            reject("MERGE of an unknown session " + describe(windows.get(0)));
            return;
        }
        for (Session session : merging) {
            sessions.remove(SessionId.of(session.window));
            session.mergeAway();
        }
        Session session = open(merged, merging);
        if (request.hasPayload()) {
            offer(session, request.getPayload()); // the platform sends none; an SDK-style MERGE may carry one
        }
    }

    /** Start = the earliest start, end = the latest end of the listed windows; keys and slot of the first. */
    private static KeyedWindow mergedWindow(List<KeyedWindow> windows) {
        KeyedWindow.Builder merged = windows.get(0).toBuilder();
        for (KeyedWindow window : windows) {
            if (WireFormat.compare(window.getStart(), merged.getStart()) < 0) {
                merged.setStart(window.getStart());
            }
            if (WireFormat.compare(window.getEnd(), merged.getEnd()) > 0) {
                merged.setEnd(window.getEnd());
            }
        }
        return merged.build();
    }

    /**
     * Opens a session and starts its task.
     *
     * @param mergedFrom the sessions it merges, whose states it takes in before its own datums (none for a
     *     session opened by a datum)
     * @return the session, or {@code null} when the call has ended
     */
    private Session open(KeyedWindow window, List<Session> mergedFrom) {
        Session session = new Session(window);
        List<String> keys = List.copyOf(window.getKeysList());
        List<CompletableFuture<SessionReducer>> predecessors = mergedFrom.stream().map(s -> s.task.result()).toList();
        Output output = output(session.gate, message -> result(message, session.window));
        GroupTask.Handler<SessionReducer> handler = datums -> {
            SessionReducer reducer = reducers.get();
            for (CompletableFuture<SessionReducer> predecessor : predecessors) {
                reducer.mergeAccumulator(returned(predecessor).accumulator());
            }
            reducer.sessionReduce(keys, datums, output);
            return reducer;
        };
        session.task = startGroup(keys, session.gate.closingAfter(handler), true, intervalWindow(window),
                session.unit);
        if (session.task == null) {
            return null;
        }
        sessions.put(SessionId.of(window), session);
        return session;
    }

    /**
     * A merged-away session's instance once its handler has returned. If the handler threw, that error ends
     * the stream on its own: the merged session then ends quietly instead of reporting it a second time.
     */
    private static SessionReducer returned(CompletableFuture<SessionReducer> mergedAway) throws InterruptedException {
        try {
            return mergedAway.get();
        } catch (ExecutionException failed) {
            throw GroupTask.STOPPED; // the merged-away session's own failure ends the stream
        }
    }

    private SessionReduceResponse result(Message message, KeyedWindow window) {
        return SessionReduceResponse.newBuilder()
                .setResult(SessionReduceResponse.Result.newBuilder()
                        .addAllKeys(message.keys())
                        .setValue(WireFormat.value(message))
                        .addAllTags(message.tags()))
                .setKeyedWindow(window)
                .build();
    }

    private static IntervalWindow intervalWindow(KeyedWindow window) {
        return new IntervalWindow(WireFormat.instant(window.getStart()), WireFormat.instant(window.getEnd()));
    }

    private static String count(int windows) {
        return windows == 0 ? "no keyed window" : windows == 1 ? "one keyed window" : windows + " keyed windows";
    }

    private static String describe(KeyedWindow window) {
        return "[" + WireFormat.instant(window.getStart()) + ", " + WireFormat.instant(window.getEnd()) + ") keys "
                + window.getKeysList();
    }

    /** A session as the platform identifies it: start, end and keys (the slot is echoed, not part of it). */
    private record SessionId(long startSeconds, int startNanos, long endSeconds, int endNanos, List<String> keys) {
        static SessionId of(KeyedWindow window) {
            return new SessionId(window.getStart().getSeconds(), window.getStart().getNanos(),
                    window.getEnd().getSeconds(), window.getEnd().getNanos(), List.copyOf(window.getKeysList()));
        }
    }

    private final class Session {
        final OutputGate gate = new OutputGate();
        volatile KeyedWindow window; // changes with EXPAND; results and the EOF carry the current one
        volatile boolean mergedAway;
        /** Ends with an EOF carrying its current window, or with none once merged away. */
        final Unit unit = openUnit(() -> mergedAway ? null
                : SessionReduceResponse.newBuilder().setKeyedWindow(window).setEOF(true).build());
        GroupTask<SessionReducer> task;

        Session(KeyedWindow window) {
            this.window = window;
        }

        /** CLOSE or the half-close: the input ends; the EOF follows once the handler has returned. */
        void close() {
            task.closeInputAndStart();
            unit.close();
        }

        /** Merged into another: the input ends, and nothing more of it is sent, not even its EOF. */
        void mergeAway() {
            mergedAway = true;
            gate.mute();
            task.closeInputAndStart();
            unit.close();
        }
    }
}
