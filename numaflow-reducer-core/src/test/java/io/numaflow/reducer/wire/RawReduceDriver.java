package io.numaflow.reducer.wire;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.numaproj.numaflow.reduce.v1.ReduceGrpc;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest.WindowOperation.Event;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.Window;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

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
    public static final class WindowStream extends RecordedCall<ReduceRequest, ReduceResponse> {
        private final Set<List<Object>> opened = new HashSet<>();

        WindowStream(ManagedChannel channel) {
            ReduceGrpc.newStub(channel).reduceFn(this);
        }

        /** Sends one datum with OPEN (the group's first) or APPEND. */
        public WindowStream send(Window window, List<String> keys, String value) {
            Event event = opened.add(List.of(window, keys)) ? Event.OPEN : Event.APPEND;
            return send(request(event, window, keys, value));
        }

        @Override
        public WindowStream send(ReduceRequest request) {
            super.send(request);
            return this;
        }

        @Override
        public WindowStream halfClose() {
            super.halfClose();
            return this;
        }
    }

    /** The text of a result's value. */
    public static String text(ReduceResponse response) {
        return response.getResult().getValue().toString(StandardCharsets.UTF_8);
    }

    /** How long tests wait for anything asynchronous. */
    public static final Duration PATIENCE = Duration.ofSeconds(30);
}
