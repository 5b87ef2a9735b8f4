package io.numaflow.reducer.test;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.numaflow.reducer.Datum;
import io.numaflow.reducer.Message;
import io.numaproj.numaflow.sessionreduce.v1.SessionReduceGrpc;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.KeyedWindow;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.SessionReduceRequest;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.SessionReduceRequest.WindowOperation.Event;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.SessionReduceResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one long-lived stream over which the platform drives a {@link io.numaflow.reducer.SessionReducer}: every
 * session of every key goes over it, each named by its {@link SessionWindow}.
 *
 * <p>What the platform sends, and what you call here:
 * <ul>
 *   <li>{@link #open}: a new session, with its first datum (a fresh handler instance in the UDF);</li>
 *   <li>{@link #append}: one more datum for a session;</li>
 *   <li>{@link #expand}: a session grows to a wider window (a datum extended it), then gets that datum;</li>
 *   <li>{@link #merge}: sessions that came to overlap become one; their handlers' accumulators are merged into a
 *       new handler for the combined window;</li>
 *   <li>{@link #close}: a session's input ends; the UDF answers its results, then one EOF carrying the session's
 *       window;</li>
 *   <li>{@link #finish()}: the stream's end (half-close): every session still open is closed.</li>
 * </ul>
 * Results must carry a session the platform knows; an EOF must carry the window of a session that was closed,
 * once, after its results; a session merged away or replaced by an expand sends no EOF. Anything else fails the
 * test with an {@link AssertionError} saying what the UDF did wrong.
 *
 * <p>Not thread-safe: one test thread drives a stream.
 */
public final class SessionStream {

    private static final String SLOT = "0";

    private final Call call;
    private final Set<SessionWindow> live = new LinkedHashSet<>();
    /** Sessions in the order their input ended (CLOSE, or the half-close): the order of the results. */
    private final List<SessionWindow> closedOrder = new ArrayList<>();
    private final Set<SessionWindow> closing = new LinkedHashSet<>();
    private final Set<SessionWindow> ended = new LinkedHashSet<>();
    private final Map<SessionWindow, SessionWindow> successors = new HashMap<>();
    private final Map<SessionWindow, String> retiredBy = new HashMap<>();
    private final List<Map.Entry<SessionWindow, Message>> results = new ArrayList<>();

    SessionStream(Channel channel, Duration timeout) {
        this.call = new Call(timeout);
        SessionReduceGrpc.newStub(channel).sessionReduceFn(call);
    }

    /**
     * Opens a session with its first datum (event time and watermark at the session's start).
     *
     * @param session the new session
     * @param value the first datum's payload
     * @return this stream
     */
    public SessionStream open(SessionWindow session, byte[] value) {
        return open(session, datum(session, value));
    }

    /**
     * Opens a session with its first datum.
     *
     * @param session the new session
     * @param datum the first datum
     * @return this stream
     */
    public SessionStream open(SessionWindow session, Datum datum) {
        return sendDatum(Event.OPEN, session, datum);
    }

    /**
     * Sends a datum to a session (event time and watermark at the session's start).
     *
     * @param session the session
     * @param value the payload
     * @return this stream
     */
    public SessionStream append(SessionWindow session, byte[] value) {
        return append(session, datum(session, value));
    }

    /**
     * Sends a datum to a session (the UDF opens it if it does not know it).
     *
     * @param session the session
     * @param datum the datum
     * @return this stream
     */
    public SessionStream append(SessionWindow session, Datum datum) {
        return sendDatum(Event.APPEND, session, datum);
    }

    // OPEN and APPEND differ only in the event: either makes the session live.
    private SessionStream sendDatum(Event event, SessionWindow session, Datum datum) {
        synchronized (call) {
            requireNotClosed(session);
            send(event, List.of(session), datum);
            live.add(session);
        }
        return this;
    }

    /**
     * Grows a session to a wider window, then sends it a datum (event time and watermark at the new start).
     *
     * @param session the open session
     * @param grown its new window
     * @param value the payload of the datum that grew it
     * @return this stream
     */
    public SessionStream expand(SessionWindow session, SessionWindow grown, byte[] value) {
        return expand(session, grown, datum(grown, value));
    }

    /**
     * Grows a session to a wider window, then sends it a datum.
     *
     * @param session the open session
     * @param grown its new window
     * @param datum the datum that grew it
     * @return this stream
     */
    public SessionStream expand(SessionWindow session, SessionWindow grown, Datum datum) {
        synchronized (call) {
            requireLive(session);
            send(Event.EXPAND, List.of(session, grown), datum);
            retire(session, grown, "expanded into");
        }
        return this;
    }

    /**
     * Merges open sessions of the same keys into one, as the platform does when they come to overlap.
     *
     * @param sessions at least two open sessions
     * @return the merged session's window: from the earliest start to the latest end, with the first's keys
     */
    public SessionWindow merge(SessionWindow... sessions) {
        if (sessions.length < 2) {
            throw new IllegalArgumentException("a merge takes at least two sessions");
        }
        synchronized (call) {
            SessionWindow merged = sessions[0];
            for (SessionWindow session : sessions) {
                requireLive(session);
                merged = merged.span(session);
            }
            send(Event.MERGE, List.of(sessions), null);
            for (SessionWindow session : sessions) {
                retire(session, merged, "merged into");
            }
            return merged;
        }
    }

    /**
     * Closes sessions: their input ends, and each must answer its results and one EOF.
     *
     * @param sessions the sessions to close
     * @return this stream
     */
    public SessionStream close(SessionWindow... sessions) {
        synchronized (call) {
            send(Event.CLOSE, List.of(sessions), null);
            for (SessionWindow session : sessions) {
                if (live.remove(session)) {
                    closing.add(session);
                    closedOrder.add(session);
                }
            }
        }
        return this;
    }

    /**
     * The results that have arrived so far, of every session.
     *
     * @return a snapshot in arrival order
     */
    public List<Message> received() {
        synchronized (call) {
            call.failIfBroken();
            return results.stream().map(Map.Entry::getValue).toList();
        }
    }

    /**
     * Ends the stream as the platform does at shutdown (half-close): every open session is closed; waits for all
     * their results and EOFs and for the stream to end OK.
     *
     * @return the results per session
     * @throws AssertionError when the UDF broke the protocol, failed, or did not answer within the timeout
     */
    public SessionResults finish() {
        synchronized (call) {
            call.failIfBroken();
            closing.addAll(live);
            closedOrder.addAll(live);
            live.clear();
            call.halfClose();
            call.awaitEnd();
            Map<SessionWindow, List<Message>> bySession = new LinkedHashMap<>();
            closedOrder.forEach(session -> bySession.put(session, new ArrayList<>()));
            for (Map.Entry<SessionWindow, Message> result : results) {
                bySession.computeIfAbsent(finalWindow(result.getKey()), ignored -> new ArrayList<>())
                        .add(result.getValue());
            }
            return new SessionResults(bySession);
        }
    }

    private void retire(SessionWindow old, SessionWindow next, String how) {
        live.remove(old);
        if (!old.equals(next)) {
            successors.put(old, next);
            retiredBy.put(old, how + " " + next);
        }
        live.add(next);
    }

    private SessionWindow finalWindow(SessionWindow window) {
        SessionWindow next = window;
        while (successors.containsKey(next)) {
            next = successors.get(next);
        }
        return next;
    }

    private void requireLive(SessionWindow session) {
        if (!live.contains(session)) {
            throw new IllegalArgumentException("session " + session + " is not open; open sessions: " + live);
        }
    }

    private void requireNotClosed(SessionWindow session) {
        if (closing.contains(session) || ended.contains(session)) {
            throw new IllegalArgumentException("session " + session + " is closed");
        }
    }

    private void send(Event event, List<SessionWindow> windows, Datum datum) {
        SessionReduceRequest.WindowOperation.Builder operation = SessionReduceRequest.WindowOperation.newBuilder()
                .setEvent(event);
        windows.forEach(window -> operation.addKeyedWindows(keyed(window)));
        SessionReduceRequest.Builder request = SessionReduceRequest.newBuilder().setOperation(operation);
        if (datum != null) {
            request.setPayload(SessionReduceRequest.Payload.newBuilder().addAllKeys(datum.keys())
                    .setValue(ByteString.copyFrom(datum.value()))
                    .setEventTime(Wire.timestamp(datum.eventTime()))
                    .setWatermark(Wire.timestamp(datum.watermark()))
                    .putAllHeaders(datum.headers()));
        }
        call.send(request.build());
    }

    private static Datum datum(SessionWindow session, byte[] value) {
        return new Datum(session.keys(), value, session.start(), session.start(), Map.of());
    }

    private static KeyedWindow keyed(SessionWindow window) {
        return KeyedWindow.newBuilder().setStart(Wire.timestamp(window.start())).setEnd(Wire.timestamp(window.end()))
                .setSlot(SLOT).addAllKeys(window.keys()).build();
    }

    private final class Call extends PlatformStream<SessionReduceRequest, SessionReduceResponse> {

        Call(Duration timeout) {
            super(timeout);
        }

        @Override
        String what() {
            return "the SessionReduceFn stream";
        }

        @Override
        String check(SessionReduceResponse response) {
            String kind = response.getEOF() ? "an EOF" : "a result";
            if (!response.hasKeyedWindow()) {
                return kind + " without its session's keyed window: the platform cannot tell which session it ends"
                        + " or belongs to";
            }
            KeyedWindow keyed = response.getKeyedWindow();
            SessionWindow window = new SessionWindow(Wire.instant(keyed.getStart()), Wire.instant(keyed.getEnd()),
                    keyed.getKeysList());
            boolean known = live.contains(window) || closing.contains(window) || ended.contains(window)
                    || successors.containsKey(window);
            if (!known || !keyed.getSlot().equals(SLOT)) {
                return kind + " for session " + Wire.describe(keyed.getStart(), keyed.getEnd(), keyed.getSlot(),
                        keyed.getKeysList()) + ", which the platform never opened: every response must echo its "
                        + "session's keyed window (start, end, slot \"" + SLOT + "\", keys) unchanged; open sessions: "
                        + live + ", closing: " + closing;
            }
            if (ended.contains(window)) {
                return response.getEOF() ? "a second EOF for session " + window + ": exactly one EOF per session"
                        : "a result (value=" + Wire.describe(response.getResult().getValue()) + ") after the EOF of "
                                + "session " + window + ": the platform has cleaned the session up, so it would be lost";
            }
            if (response.getEOF()) {
                if (retiredBy.containsKey(window)) {
                    return "an EOF for session " + window + ", which was " + retiredBy.get(window) + ": only the "
                            + "session it became ends with an EOF";
                }
                if (!closing.remove(window)) {
                    return "an EOF for session " + window + " before it was closed";
                }
                ended.add(window);
                return null;
            }
            SessionReduceResponse.Result result = response.getResult();
            results.add(Map.entry(window,
                    new Message(result.getValue().toByteArray(), result.getKeysList(), result.getTagsList())));
            return null;
        }

        @Override
        String checkCompleted() {
            return closing.isEmpty() ? null : what() + " ended (status OK) without an EOF for the sessions "
                    + closing + ": the platform waits for one EOF per closed session";
        }

        @Override
        String missing() {
            return "no EOF for the sessions " + closing;
        }
    }
}
