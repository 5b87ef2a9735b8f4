package io.numaflow.reducer.engine;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.numaflow.reducer.Message;
import io.numaflow.reducer.Metadata;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest.WindowOperation.Event;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.Window;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code ReduceFn} call: the platform's stream for (usually) one window.
 *
 * <p>Requests arrive on a transport thread, one at a time. Each goes to its {@code (window, keys)} group,
 * whose reducer task starts with the group's first request. The half-close closes every group's input;
 * once every group of a window has returned, the window's results are sent, then its EOF, and the call
 * completes after the last EOF. A reducer that throws, a malformed request or a cancel ends the
 * call and stops every task of it. The stream's state is guarded by {@code this}, which also serialises the
 * writes to {@code responses} (gRPC requires it); only a window's countdown of running groups is atomic, so
 * that groups finishing together do not queue on the stream's monitor.
 */
final class ReduceStream implements StreamObserver<ReduceRequest> {

    private static final Logger log = LoggerFactory.getLogger(ReduceStream.class);

    private final ServerCallStreamObserver<ReduceResponse> responses;
    private final ReduceService.Settings settings;
    private final InboundFlow inbound;
    private final Map<WindowId, OpenWindow> windows = new LinkedHashMap<>();
    private boolean ended;
    private int windowsLeft;
    private OpenWindow lastWindow; // most requests are for the window of the one before

    ReduceStream(ServerCallStreamObserver<ReduceResponse> responses, ReduceService.Settings settings) {
        this.responses = responses;
        this.settings = settings;
        this.inbound = new InboundFlow(responses, settings.requestWindow());
        responses.disableAutoRequest();
        responses.setOnCancelHandler(this::cancelled);
        settings.listener().streamOpened();
        inbound.start();
    }

    @Override
    public void onNext(ReduceRequest request) {
        String problem = WireFormat.problemWith(request);
        if (problem != null) {
            settings.listener().streamRejected(ReduceListener.Rejection.MALFORMED);
            end(Status.INVALID_ARGUMENT.withDescription(problem).asRuntimeException());
            return;
        }
        if (request.getOperation().getEvent() != Event.CLOSE) { // CLOSE is never data (SPEC section 2)
            GroupTask group = groupFor(request.getOperation().getWindows(0), request.getPayload().getKeysList());
            if (group == null) {
                return; // the call has ended: nothing more is requested or processed
            }
            group.offer(WireFormat.datum(request.getPayload(), group.keys()));
            settings.listener().datumReceived();
        }
        inbound.received();
    }

    /** The half-close: the platform's "window closed". */
    @Override
    public void onCompleted() {
        long closedAt = System.nanoTime();
        List<OpenWindow> closing;
        synchronized (this) {
            if (ended) {
                return;
            }
            if (windows.isEmpty()) {
                finish();
                return;
            }
            closing = List.copyOf(windows.values());
            windowsLeft = closing.size();
        }
        for (OpenWindow window : closing) {
            window.closedAt = closedAt;
            window.groupsLeft.set(window.groups.size());
            for (GroupTask group : window.groups.values()) {
                group.closeInput();
                group.result().thenRun(() -> {
                    if (window.groupsLeft.decrementAndGet() == 0) {
                        sendWindow(window);
                    }
                });
            }
        }
    }

    /** gRPC reports a client cancel here while the request stream is still open. */
    @Override
    public void onError(Throwable error) {
        cancelled();
    }

    private void cancelled() {
        synchronized (this) {
            if (ended) {
                return;
            }
            stopAll();
        }
        settings.listener().streamRejected(ReduceListener.Rejection.CANCELLED);
        settings.listener().streamClosed();
    }

    private synchronized GroupTask groupFor(Window window, List<String> keys) {
        if (ended) {
            return null;
        }
        OpenWindow open = lastWindow != null && lastWindow.matches(window) ? lastWindow
                : windows.computeIfAbsent(WindowId.of(window), id -> new OpenWindow(window));
        lastWindow = open;
        GroupTask group = open.groups.get(keys);
        if (group == null) {
            List<String> groupKeys = List.copyOf(keys);
            group = new GroupTask(groupKeys, open.metadata, settings.reducers(),
                    new DatumChannel(inbound, settings.groupBuffer()), settings.executor(), settings.listener());
            open.groups.put(groupKeys, group);
            group.result().whenComplete((messages, error) -> {
                if (error != null && !(error instanceof CancellationException)) {
                    log.error("Reducer failed for window [{}, {}) keys {}: {}", open.metadata.intervalWindow().start(),
                            open.metadata.intervalWindow().end(), groupKeys, error.toString());
                    settings.listener().udfError(open.metadata.intervalWindow(), error);
                    end(settings.errors().report(error));
                }
            });
            settings.listener().groupOpened();
            try {
                group.start();
            } catch (RejectedExecutionException shuttingDown) {
                end(Status.UNAVAILABLE.withDescription("the reducer is shutting down").asRuntimeException());
                return null;
            }
        }
        return group;
    }

    /**
     * Sends a window's results, then its EOF, once every group of it has returned (called by the last one).
     * Holding them until then means a window whose reducer throws sends nothing but the error status, so the
     * platform never forwards part of a window it will process again.
     */
    private synchronized void sendWindow(OpenWindow window) {
        if (ended) {
            return;
        }
        for (GroupTask group : window.groups.values()) {
            for (Message message : group.result().join()) {
                responses.onNext(WireFormat.result(message, window.window));
                settings.listener().resultSent();
            }
        }
        responses.onNext(WireFormat.endOfWindow(window.window));
        settings.listener().windowCompleted(Duration.ofNanos(System.nanoTime() - window.closedAt));
        if (--windowsLeft == 0) {
            finish();
        }
    }

    private void finish() {
        ended = true;
        responses.onCompleted();
        settings.listener().streamClosed();
    }

    /** Ends the call with an error status and stops every task of it. */
    private synchronized void end(RuntimeException status) {
        if (ended) {
            return;
        }
        stopAll();
        responses.onError(status);
        settings.listener().streamClosed();
    }

    /** Marks the call ended and cancels every group of it. Called holding {@code this}. */
    private void stopAll() {
        ended = true;
        for (OpenWindow window : windows.values()) {
            window.groups.values().forEach(GroupTask::cancel);
        }
    }

    /** A window as the platform identifies it: slot is echoed but not part of the identity. */
    private record WindowId(long startSeconds, int startNanos, long endSeconds, int endNanos) {
        static WindowId of(Window window) {
            return new WindowId(window.getStart().getSeconds(), window.getStart().getNanos(),
                    window.getEnd().getSeconds(), window.getEnd().getNanos());
        }
    }

    private static final class OpenWindow {
        final Window window;
        final Metadata metadata;
        final Map<List<String>, GroupTask> groups = new LinkedHashMap<>();
        final AtomicInteger groupsLeft = new AtomicInteger();
        volatile long closedAt;

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
