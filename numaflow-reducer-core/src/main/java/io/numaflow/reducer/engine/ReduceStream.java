package io.numaflow.reducer.engine;

import io.grpc.stub.ServerCallStreamObserver;
import io.numaflow.reducer.Message;
import io.numaflow.reducer.Messages;
import io.numaflow.reducer.Metadata;
import io.numaflow.reducer.Output;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest.WindowOperation.Event;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.Window;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code ReduceFn} call of an aligned (fixed or sliding) window: the platform's stream for (usually) one
 * window, served to a {@code Reducer} or a {@code ReduceStreamer}.
 *
 * <p>Each request goes to its {@code (window, keys)} group, whose handler task starts with the group's first
 * request. The half-close closes every group's input. Once every group of a window has returned, the window's
 * held results (a {@code Reducer}'s return value) are sent, then its EOF; a {@code ReduceStreamer}'s results
 * went out as it sent them. The call completes after the last EOF.
 */
final class ReduceStream extends StreamCall<ReduceRequest, ReduceResponse> {

    /** How a group of a window is reduced: the two kinds served on {@code reduce.v1} differ only here. */
    @FunctionalInterface
    interface GroupReducer {

        /**
         * The handler of one group.
         *
         * @param keys the group's keys
         * @param metadata the group's window
         * @param output sends a result at once, with the group's window
         * @return the handler; what it returns is sent when the window ends ({@code null}: nothing)
         */
        GroupTask.Handler<Messages> handler(List<String> keys, Metadata metadata, Output output);
    }

    private final GroupReducer reducer;
    private final boolean streams;
    private final Map<WindowId, OpenWindow> windows = new LinkedHashMap<>();
    private OpenWindow lastWindow; // most requests are for the window of the one before

    /**
     * The call.
     *
     * @param streams whether the platform reads the groups' output while the window is open (a streamer's):
     *     each group's task then starts at once, however many are open; a {@code Reducer}'s results wait for
     *     the window's end
     */
    ReduceStream(ServerCallStreamObserver<ReduceResponse> responses, EngineSettings settings, GroupReducer reducer,
            boolean streams) {
        super(responses, settings);
        this.reducer = reducer;
        this.streams = streams;
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
        GroupTask<Messages> group = groupFor(request.getOperation().getWindows(0), request.getPayload().getKeysList());
        if (group != null) {
            group.offer(WireFormat.datum(request.getPayload(), group.keys()));
            listener().datumReceived();
        }
    }

    @Override
    void closeAll() {
        List<OpenWindow> closing;
        synchronized (this) {
            closing = new ArrayList<>(windows.values());
        }
        List<GroupTask<Messages>> groups = new ArrayList<>();
        for (OpenWindow window : closing) {
            groups.addAll(window.groups.values());
        }
        GroupTask.closeInputs(groups, executor());
        for (OpenWindow window : closing) {
            window.unit.close(); // no group can join it any more
        }
    }

    /** The group of {@code (window, keys)}, opened (and its task started) on its first request. */
    private synchronized GroupTask<Messages> groupFor(Window window, List<String> keys) {
        OpenWindow open = lastWindow != null && lastWindow.matches(window) ? lastWindow : windows.get(WindowId.of(window));
        if (open == null) {
            open = new OpenWindow(window);
            windows.put(WindowId.of(window), open);
        }
        lastWindow = open;
        GroupTask<Messages> group = open.groups.get(keys);
        if (group == null) {
            List<String> groupKeys = List.copyOf(keys);
            OpenWindow owner = open;
            OutputGate gate = new OutputGate();
            Output output = output(gate, message -> WireFormat.result(message, owner.window));
            group = startGroup(groupKeys, gate.closingAfter(reducer.handler(groupKeys, owner.metadata, output)),
                    streams, owner.metadata.intervalWindow(), owner.unit, messages -> { });
            if (group != null) {
                owner.groups.put(groupKeys, group);
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
        for (GroupTask<Messages> group : window.groups.values()) {
            Messages messages = group.result().getNow(null);
            if (messages == null) {
                continue; // nothing held: a ReduceStreamer, or a Reducer that returned null
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
        final Map<List<String>, GroupTask<Messages>> groups = new LinkedHashMap<>();
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
