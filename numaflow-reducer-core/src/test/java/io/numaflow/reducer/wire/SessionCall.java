package io.numaflow.reducer.wire;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.numaproj.numaflow.sessionreduce.v1.SessionReduceGrpc;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.KeyedWindow;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.SessionReduceRequest;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.SessionReduceRequest.WindowOperation.Event;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.SessionReduceResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code SessionReduceFn} call driven as the Numaflow platform drives a session vertex: one long-lived
 * stream carrying OPEN / APPEND / EXPAND / MERGE / CLOSE for every session, half-closed at the end. Runs over
 * the channel of a {@link ReduceClient} (which owns the Unix socket connection).
 */
public final class SessionCall extends RecordedCall<SessionReduceRequest, SessionReduceResponse> {

    /** The slot the platform puts in every keyed window it sends. */
    public static final String SLOT = "0";

    private SessionCall(ManagedChannel channel) {
        SessionReduceGrpc.newStub(channel).sessionReduceFn(this);
    }

    /** Opens one {@code SessionReduceFn} stream on {@code channel}. */
    public static SessionCall open(ManagedChannel channel) {
        return new SessionCall(channel);
    }

    /** {@code IsReady} of the session reduce service. */
    public static boolean isReady(ManagedChannel channel) {
        return SessionReduceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .isReady(Empty.getDefaultInstance()).getReady();
    }

    /** A session's keyed window, {@code [startMillis, endMillis)}, with the platform's slot. */
    public static KeyedWindow window(long startMillis, long endMillis, String... keys) {
        return KeyedWindow.newBuilder().setStart(timestamp(startMillis)).setEnd(timestamp(endMillis))
                .setSlot(SLOT).addAllKeys(List.of(keys)).build();
    }

    /** A request with a payload (keys of the first window, event time at its start) or without one. */
    public static SessionReduceRequest request(Event event, String value, KeyedWindow... windows) {
        SessionReduceRequest.Builder request = SessionReduceRequest.newBuilder()
                .setOperation(SessionReduceRequest.WindowOperation.newBuilder().setEvent(event)
                        .addAllKeyedWindows(List.of(windows)));
        if (value != null) {
            KeyedWindow last = windows[windows.length - 1];
            request.setPayload(SessionReduceRequest.Payload.newBuilder().addAllKeys(last.getKeysList())
                    .setValue(ByteString.copyFromUtf8(value)).setEventTime(last.getStart())
                    .setWatermark(last.getStart()).putHeaders("h", "v"));
        }
        return request.build();
    }

    public SessionCall open(KeyedWindow window, String value) {
        return send(request(Event.OPEN, value, window));
    }

    public SessionCall append(KeyedWindow window, String value) {
        return send(request(Event.APPEND, value, window));
    }

    /** EXPAND: the session of {@code from} now has window {@code to}; {@code value} goes to it. */
    public SessionCall expand(KeyedWindow from, KeyedWindow to, String value) {
        return send(request(Event.EXPAND, value, from, to));
    }

    public SessionCall merge(KeyedWindow... windows) {
        return send(request(Event.MERGE, null, windows));
    }

    public SessionCall close(KeyedWindow... windows) {
        return send(request(Event.CLOSE, null, windows));
    }

    @Override
    public SessionCall send(SessionReduceRequest request) {
        super.send(request);
        return this;
    }

    @Override
    public SessionCall halfClose() {
        super.halfClose();
        return this;
    }

    /** The text of a result's value. */
    public static String text(SessionReduceResponse response) {
        return response.getResult().getValue().toString(StandardCharsets.UTF_8);
    }

    private static Timestamp timestamp(long millis) {
        Instant instant = Instant.ofEpochMilli(millis);
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
