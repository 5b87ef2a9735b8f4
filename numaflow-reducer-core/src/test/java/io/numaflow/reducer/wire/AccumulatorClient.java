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
import io.numaproj.numaflow.accumulator.v1.AccumulatorGrpc;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.AccumulatorRequest;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.AccumulatorRequest.WindowOperation.Event;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.AccumulatorResponse;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.KeyedWindow;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.Payload;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A test client that drives {@code accumulator.v1.Accumulator} over a Unix domain socket as the Numaflow platform
 * does: one long-lived {@code AccumulateFn} stream for every key; per key an OPEN with the first datum, APPENDs
 * after, a CLOSE (no payload) with the key's window once the key timed out; the half-close at the end.
 */
public final class AccumulatorClient implements AutoCloseable {

    /** The accumulator vertex's timeout the client plays: a key's window is [first event time, + this). */
    public static final long TIMEOUT_MILLIS = 10_000;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    private final ManagedChannel channel;

    public AccumulatorClient(Path socket) {
        channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollDomainSocketChannel.class)
                .eventLoopGroup(group)
                .usePlaintext()
                .build();
    }

    public boolean isReady() {
        return AccumulatorGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .isReady(Empty.getDefaultInstance()).getReady();
    }

    /** Opens the {@code AccumulateFn} stream. */
    public KeyStream open() {
        return new KeyStream(channel);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow();
        channel.awaitTermination(10, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }

    public static KeyedWindow keyedWindow(Timestamp start, Timestamp end, String slot, List<String> keys) {
        return KeyedWindow.newBuilder().setStart(start).setEnd(end).setSlot(slot).addAllKeys(keys).build();
    }

    public static KeyedWindow keyedWindow(long startMillis, long endMillis, List<String> keys) {
        return keyedWindow(timestamp(startMillis), timestamp(endMillis), "slot-0", keys);
    }

    public static Timestamp timestamp(long epochMillis) {
        Instant instant = Instant.ofEpochMilli(epochMillis);
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    /** A datum as the platform sends it: keys, value, times, a unique id and a header. */
    public static Payload payload(List<String> keys, String value, long eventTimeMillis, long watermarkMillis,
            String id) {
        return Payload.newBuilder().addAllKeys(keys).setValue(ByteString.copyFromUtf8(value))
                .setEventTime(timestamp(eventTimeMillis)).setWatermark(timestamp(watermarkMillis))
                .setId(id).putHeaders("source", id).build();
    }

    public static AccumulatorRequest request(Event event, KeyedWindow window, Payload payload) {
        AccumulatorRequest.Builder request = AccumulatorRequest.newBuilder()
                .setOperation(AccumulatorRequest.WindowOperation.newBuilder().setEvent(event).setKeyedWindow(window));
        if (payload != null) {
            request.setPayload(payload);
        }
        return request.build();
    }

    /** The text of an output's value. */
    public static String text(AccumulatorResponse response) {
        return response.getPayload().getValue().toString(StandardCharsets.UTF_8);
    }

    /** The one {@code AccumulateFn} call. Tracks which keys are open to send OPEN, APPEND and CLOSE as the platform. */
    public static final class KeyStream extends RecordedCall<AccumulatorRequest, AccumulatorResponse> {
        private final Map<List<String>, KeyedWindow> openKeys = new HashMap<>();

        KeyStream(ManagedChannel channel) {
            AccumulatorGrpc.newStub(channel).accumulateFn(this);
        }

        /**
         * Sends one datum: OPEN with the window [event time, + timeout) when its keys are not open, else APPEND with
         * the key's window.
         */
        public KeyStream datum(List<String> keys, String value, long eventTimeMillis, long watermarkMillis,
                String id) {
            KeyedWindow window = openKeys.get(keys);
            Event event = Event.APPEND;
            if (window == null) {
                window = keyedWindow(eventTimeMillis, eventTimeMillis + TIMEOUT_MILLIS, keys);
                openKeys.put(keys, window);
                event = Event.OPEN;
            }
            return send(request(event, window, payload(keys, value, eventTimeMillis, watermarkMillis, id)));
        }

        /** Sends the CLOSE of an open key, with the window it was opened with, as the platform does. */
        public KeyedWindow closeKey(List<String> keys) {
            KeyedWindow window = openKeys.remove(keys);
            if (window == null) {
                throw new IllegalArgumentException("not open: " + keys);
            }
            send(request(Event.CLOSE, window, null));
            return window;
        }

        @Override
        public KeyStream send(AccumulatorRequest request) {
            super.send(request);
            return this;
        }

        @Override
        public KeyStream halfClose() {
            super.halfClose();
            return this;
        }

        /** How many EOF responses arrived so far. */
        public long eofCount() {
            return responses().stream().filter(AccumulatorResponse::getEOF).count();
        }
    }
}
