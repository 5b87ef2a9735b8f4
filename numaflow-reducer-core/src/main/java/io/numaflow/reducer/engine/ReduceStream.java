package io.numaflow.reducer.engine;

import io.grpc.stub.ServerCallStreamObserver;
import io.numaflow.reducer.Datum;
import io.numaflow.reducer.Message;
import io.numaflow.reducer.Messages;
import io.numaflow.reducer.Metadata;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest.WindowOperation.Event;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.Window;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code ReduceFn} call of an aligned (fixed or sliding) window: the platform's stream for (usually) one
 * window, served to a {@code Reducer}, a {@code ReduceStreamer} or an {@code Aggregator}.
 *
 * <p>Each request goes to its {@code (window, keys)} group, opened by the kind's {@link GroupReducer} with the
 * group's first request. The half-close closes every group's input. Once every group of a window has ended, the
 * window's held results (what a {@code Reducer} returned, what an {@code Aggregator}'s state became) are sent,
 * then its EOF; a {@code ReduceStreamer}'s results went out as it sent them. The call completes after the last
 * EOF.
 *
 * @param <G> the kind's groups
 */
final class ReduceStream<G extends ReduceStream.Group> extends StreamCall<ReduceRequest, ReduceResponse> {

    /** One {@code (window, keys)} group: where its datums go and what it leaves to send when its window ends. */
    interface Group {

        /** The group's keys: its datums share this (immutable) list. */
        List<String> keys();

        /** Takes the group's next datum. Transport thread. */
        void add(Datum datum);

        /** What to send before the window's EOF once the group has ended; {@code null} for nothing. */
        Messages results();
    }

    /** How the groups of a window are reduced: the kinds served on {@code reduce.v1} differ only here. */
    interface GroupReducer<G extends Group> {

        /**
         * Opens a group on its first request. Transport thread, holding the call's lock.
         *
         * @param call the stream: starts tasks, sends output, reports a failure
         * @param keys the group's keys (immutable)
         * @param window the group's window as the platform sent it, echoed on results
         * @param metadata the group's window for the user's code
         * @param unit the window's unit: a group whose results are set after the window's input closed (a task)
         *     holds it until they are, and never releases it if it fails or is stopped
         * @return the group, or {@code null} when the call has ended (nothing more is to be done)
         */
        G open(StreamCall<ReduceRequest, ReduceResponse> call, List<String> keys, Window window, Metadata metadata,
                StreamCall<ReduceRequest, ReduceResponse>.Unit unit);

        /**
         * The half-close: ends the input of {@code groups}, every group of the closing windows. Transport thread.
         *
         * @param call the stream
         * @param groups the groups, in the order they opened
         */
        void close(StreamCall<ReduceRequest, ReduceResponse> call, List<G> groups);

        /**
         * The call ended early (a failure, a cancel): drops what {@code groups} hold. Called holding the call's
         * lock, after the call stopped its tasks.
         */
        void discard(Collection<G> groups);
    }

    private final GroupReducer<G> reducer;
    private final Map<WindowId, OpenWindow> windows = new LinkedHashMap<>();
    private OpenWindow lastWindow; // most requests are for the window of the one before

    ReduceStream(ServerCallStreamObserver<ReduceResponse> responses, EngineSettings settings, GroupReducer<G> reducer) {
        super(responses, settings);
        this.reducer = reducer;
    }

    @Override
    String problemWith(ReduceRequest request) {
        return WireFormat.problemWith(request);
    }

    @Override
    void apply(ReduceRequest request) {
        if (request.getOperation().getEvent() == Event.CLOSE) {
            return; // CLOSE is never data: the platform closes aligned windows by half-closing
        }
        G group = groupFor(request.getOperation().getWindows(0), request.getPayload().getKeysList());
        if (group != null) {
            group.add(WireFormat.datum(request.getPayload(), group.keys()));
            listener().datumReceived();
        }
    }

    @Override
    void closeAll() {
        List<OpenWindow> closing;
        synchronized (this) {
            closing = new ArrayList<>(windows.values());
        }
        List<G> groups = new ArrayList<>();
        for (OpenWindow window : closing) {
            groups.addAll(window.groups.values());
        }
        reducer.close(this, groups);
        for (OpenWindow window : closing) {
            window.unit.close(); // no group can join it any more
        }
    }

    @Override
    void stopped() {
        for (OpenWindow window : windows.values()) {
            reducer.discard(window.groups.values());
        }
    }

    /** The group of {@code (window, keys)}, opened on its first request. */
    private synchronized G groupFor(Window window, List<String> keys) {
        OpenWindow open = lastWindow != null && lastWindow.matches(window) ? lastWindow : windows.get(WindowId.of(window));
        if (open == null) {
            open = new OpenWindow(window);
            windows.put(WindowId.of(window), open);
        }
        lastWindow = open;
        G group = open.groups.get(keys);
        if (group == null) {
            List<String> groupKeys = List.copyOf(keys);
            group = reducer.open(this, groupKeys, open.window, open.metadata, open.unit);
            if (group != null) {
                open.groups.put(groupKeys, group);
            }
        }
        return group;
    }

    /**
     * Sends a window's held results once every group of it has returned (called by the last one), and gives
     * its EOF. Holding them until then means a window whose reducer throws sends nothing but the error status,
     * so the platform never forwards part of a window it will process again.
     */
    private ReduceResponse endWindow(OpenWindow window) {
        for (G group : window.groups.values()) {
            Messages messages = group.results();
            if (messages == null) {
                continue; // nothing held: a ReduceStreamer
            }
            for (Message message : messages) {
                if (!send(WireFormat.result(message, window.window))) {
                    return null;
                }
                listener().resultSent();
            }
        }
        return WireFormat.endOfWindow(window.window);
    }

    /** A window as the platform identifies it: slot is echoed but not part of the identity. */
    private record WindowId(long startSeconds, int startNanos, long endSeconds, int endNanos) {
        static WindowId of(Window window) {
            return new WindowId(window.getStart().getSeconds(), window.getStart().getNanos(),
                    window.getEnd().getSeconds(), window.getEnd().getNanos());
        }
    }

    private final class OpenWindow {
        final Window window;
        final Metadata metadata;
        /** In the order they opened; complete once the window closed (read then by the last group). */
        final Map<List<String>, G> groups = new LinkedHashMap<>();
        final Unit unit = openUnit(() -> endWindow(this));

        OpenWindow(Window window) {
            this.window = window;
            this.metadata = new Metadata(WireFormat.intervalWindow(window));
        }

        /** Same start and end (the slot is echoed, not part of the identity). */
        boolean matches(Window other) {
            return window.getStart().getSeconds() == other.getStart().getSeconds()
                    && window.getStart().getNanos() == other.getStart().getNanos()
                    && window.getEnd().getSeconds() == other.getEnd().getSeconds()
                    && window.getEnd().getNanos() == other.getEnd().getNanos();
        }
    }
}
