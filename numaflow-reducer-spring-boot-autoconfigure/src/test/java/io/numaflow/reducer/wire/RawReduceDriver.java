package io.numaflow.reducer.wire;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.numaproj.numaflow.reduce.v1.ReduceGrpc;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest.WindowOperation.Event;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.Window;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A raw, wire-level driver of {@code reduce.v1.Reduce} streams over a Unix domain socket, for the engine's own
 * tests: it sends whatever requests a test builds (valid or not) and hands back the raw responses and status.
 * Users test their UDF with the test kit's {@code io.numaflow.reducer.wire.RawReduceDriver} instead, which plays
 * the platform and checks the protocol.
 */
public final class RawReduceDriver implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    private final ManagedChannel channel;

    public RawReduceDriver(Path socket) {
        this(socket, 64 * 1024 * 1024);
    }

    public RawReduceDriver(Path socket, int maxInboundMessageSize) {
        channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollDomainSocketChannel.class)
                .eventLoopGroup(group)
                .maxInboundMessageSize(maxInboundMessageSize)
                .usePlaintext()
                .build();
    }

    /** The channel, for other services on the same socket (e.g. gRPC health). */
    public ManagedChannel channel() {
        return channel;
    }

    public boolean isReady() {
        return ReduceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .isReady(Empty.getDefaultInstance()).getReady();
    }

    /** Opens one {@code ReduceFn} stream. */
    public WindowStream open() {
        return new WindowStream(channel);
    }

    public static Window window(long startMillis, long endMillis) {
        return window(startMillis, endMillis, "slot-0");
    }

    public static Window window(long startMillis, long endMillis, String slot) {
        return Window.newBuilder().setStart(timestamp(Instant.ofEpochMilli(startMillis)))
                .setEnd(timestamp(Instant.ofEpochMilli(endMillis))).setSlot(slot).build();
    }

    public static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    public static ReduceRequest request(Event event, Window window, List<String> keys, String value) {
        return request(event, window, keys, ByteString.copyFromUtf8(value));
    }

    public static ReduceRequest request(Event event, Window window, List<String> keys, ByteString value) {
        return ReduceRequest.newBuilder()
                .setOperation(ReduceRequest.WindowOperation.newBuilder().setEvent(event).addWindows(window))
                .setPayload(ReduceRequest.Payload.newBuilder().addAllKeys(keys).setValue(value)
                        .setEventTime(timestamp(Instant.ofEpochMilli(window.getStart().getSeconds() * 1000)))
                        .setWatermark(timestamp(Instant.ofEpochMilli(window.getStart().getSeconds() * 1000)))
                        .putHeaders("h", "v"))
                .build();
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow();
        channel.awaitTermination(10, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }

    /** One {@code ReduceFn} call. Sends OPEN for a group's first datum and APPEND after, as the platform. */
    public static final class WindowStream {
        private final List<ReduceResponse> responses = Collections.synchronizedList(new ArrayList<>());
        private final CompletableFuture<Status> status = new CompletableFuture<>();
        private volatile Throwable error;
        private final CompletableFuture<ClientCallStreamObserver<ReduceRequest>> requests =
                new CompletableFuture<>();
        private final Set<List<Object>> opened = new HashSet<>();
        private final AtomicReference<Runnable> onReady = new AtomicReference<>(() -> { });

        WindowStream(ManagedChannel channel) {
            ReduceGrpc.newStub(channel).reduceFn(new ClientResponseObserver<ReduceRequest, ReduceResponse>() {
                @Override
                public void beforeStart(ClientCallStreamObserver<ReduceRequest> requestStream) {
                    requestStream.setOnReadyHandler(() -> onReady.get().run());
                    requests.complete(requestStream);
                }

                @Override
                public void onNext(ReduceResponse value) {
                    responses.add(value);
                }

                @Override
                public void onError(Throwable t) {
                    error = t;
                    status.complete(Status.fromThrowable(t));
                }

                @Override
                public void onCompleted() {
                    status.complete(Status.OK);
                }
            });
        }

        /** Runs {@code handler} whenever the request stream turns ready (client-side flow control). */
        public void onReady(Runnable handler) {
            onReady.set(handler);
        }

        public ClientCallStreamObserver<ReduceRequest> requests() {
            return requests.join();
        }

        /** Sends one datum with OPEN (the group's first) or APPEND. */
        public WindowStream send(Window window, List<String> keys, String value) {
            Event event = opened.add(List.of(window, keys)) ? Event.OPEN : Event.APPEND;
            return send(request(event, window, keys, value));
        }

        public WindowStream send(ReduceRequest request) {
            requests().onNext(request);
            return this;
        }

        public WindowStream halfClose() {
            requests().onCompleted();
            return this;
        }

        public void cancel() {
            requests().cancel("test cancels", null);
        }

        public Status awaitStatus() {
            return status.orTimeout(60, TimeUnit.SECONDS).join();
        }

        /** The {@code google.rpc.Status} of the {@code grpc-status-details-bin} trailer, once the call failed. */
        public com.google.rpc.Status richStatus() {
            awaitStatus();
            return io.grpc.protobuf.StatusProto.fromThrowable(error);
        }

        public CompletableFuture<Status> status() {
            return status;
        }

        /** Half-closes, waits for the end and returns every response; fails unless the status is OK. */
        public List<ReduceResponse> closeAndAwait() {
            halfClose();
            Status end = awaitStatus();
            if (!end.isOk()) {
                throw new AssertionError("stream ended with " + end);
            }
            return responses();
        }

        public List<ReduceResponse> responses() {
            synchronized (responses) {
                return List.copyOf(responses);
            }
        }
    }

    /** The text of a result's value. */
    public static String text(ReduceResponse response) {
        return response.getResult().getValue().toString(StandardCharsets.UTF_8);
    }

    /** How long tests wait for anything asynchronous. */
    public static final Duration PATIENCE = Duration.ofSeconds(30);
}
