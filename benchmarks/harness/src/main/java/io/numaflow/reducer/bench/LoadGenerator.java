package io.numaflow.reducer.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.numaproj.numaflow.reduce.v1.ReduceGrpc;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest.WindowOperation.Event;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.Window;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Drives a reduce server over its Unix domain socket the way the Numaflow platform does, and checks every
 * answer of the counting reducer.
 *
 * <p>Per window: one {@code ReduceFn} stream (with the {@code x-numaflow-win-start-time}/{@code -end-time}
 * headers older platforms sent, which the official SDK still needs); OPEN for a group's first datum, APPEND
 * after; each request with exactly one window and a 64-byte payload with one header; sending only while the
 * call {@code isReady()} (client-side flow control, so nothing buffers without bound); half-close; then
 * read until the stream ends. Checked: every key's count, no result of a window after its EOF, exactly one
 * EOF per window after all of its results, status OK. Window latency is half-close to EOF.
 */
final class LoadGenerator implements AutoCloseable {

    static final int PAYLOAD_BYTES = 64;
    static final long WINDOW_MILLIS = 60_000;
    static final int RESPONSE_WINDOW = 256;
    private static final Metadata.Key<String> WIN_START =
            Metadata.Key.of("x-numaflow-win-start-time", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> WIN_END =
            Metadata.Key.of("x-numaflow-win-end-time", Metadata.ASCII_STRING_MARSHALLER);

    private final EventLoopGroup eventLoop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    private final ExecutorService callbacks;
    private final ManagedChannel channel;
    private final ByteString payload;
    private final AtomicInteger windowSeq = new AtomicInteger();

    LoadGenerator(Path socket) {
        AtomicInteger ids = new AtomicInteger();
        callbacks = Executors.newFixedThreadPool(2, r -> {
            Thread thread = new Thread(r, "loadgen-" + ids.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollDomainSocketChannel.class)
                .eventLoopGroup(eventLoop)
                .executor(callbacks)
                .maxInboundMessageSize(UdsServerHost.MAX_MESSAGE_SIZE)
                .usePlaintext()
                .build();
        byte[] bytes = new byte[PAYLOAD_BYTES];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) ('a' + i % 26);
        }
        payload = ByteString.copyFrom(bytes);
    }

    /** Fails unless the server answers IsReady with ready = true. */
    void checkReady() {
        if (!ReduceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .isReady(com.google.protobuf.Empty.getDefaultInstance()).getReady()) {
            throw new IllegalStateException("the server answered IsReady with ready = false");
        }
    }

    /** What one run measured. */
    record Result(long datums, long wallNanos, long[] windowLatencyNanos) {
        double datumsPerSecond() {
            return datums / (wallNanos / 1e9);
        }
    }

    /** Runs a scenario to the end; throws if any check fails or it takes longer than {@code timeout}. */
    Result run(Scenario scenario, Duration timeout) throws Exception {
        return run(scenario, timeout, null, null);
    }

    /**
     * Runs a scenario; with {@code pauseAt} (datums sent by the one stream), sending stops at each of those
     * counts, {@code atPause} is called with the count (on a harness thread, while the stream is idle), and
     * sending goes on when it returns. Only for single-window scenarios.
     */
    Result run(Scenario scenario, Duration timeout, long[] pauseAt, PauseHook atPause) throws Exception {
        if (pauseAt != null && scenario.windows() != 1) {
            throw new IllegalArgumentException("pauses need a single-window scenario");
        }
        Semaphore open = new Semaphore(scenario.concurrent());
        List<WindowStream> streams = new ArrayList<>();
        for (int i = 0; i < scenario.windows(); i++) { // requests are built before the clock starts
            streams.add(new WindowStream(scenario, windowSeq.getAndIncrement(), pauseAt));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        long started = System.nanoTime();
        for (WindowStream stream : streams) {
            if (!open.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new TimeoutException(scenario.name() + ": no window slot freed within " + timeout);
            }
            stream.done.whenComplete((latency, error) -> open.release());
            stream.start();
            failFast(streams);
        }
        long[] latencies = new long[scenario.windows()];
        for (int i = 0; i < streams.size(); i++) {
            WindowStream stream = streams.get(i);
            if (pauseAt != null) {
                for (long count : pauseAt) {
                    stream.awaitPause(count, deadline);
                    atPause.paused(count);
                    stream.resume();
                }
            }
            long left = Math.max(1, deadline - System.nanoTime());
            try {
                latencies[i] = stream.done.get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new TimeoutException(scenario.name() + ": window " + stream.window.getStart()
                        .getSeconds() + " not complete within " + timeout + " (" + stream.progress() + ")");
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(scenario.name() + ": " + e.getCause().getMessage(), e.getCause());
            }
        }
        return new Result(scenario.datums(), System.nanoTime() - started, latencies);
    }

    private static void failFast(List<WindowStream> streams) {
        for (WindowStream stream : streams) {
            if (stream.done.isCompletedExceptionally()) {
                stream.done.join(); // throws the stream's failure
            }
        }
    }

    /** Called while a paused stream is idle. */
    interface PauseHook {
        void paused(long datumsSent) throws Exception;
    }

    /** One window's stream: sends as flow control allows, checks what comes back. */
    private final class WindowStream implements ClientResponseObserver<ReduceRequest, ReduceResponse> {
        final Window window;
        final CompletableFuture<Long> done = new CompletableFuture<>();
        private final Scenario scenario;
        private final ReduceRequest[] opens;
        private final ReduceRequest[] appends;
        private final long total;
        private final long[] pauseAt;
        private final BitSet resulted;
        private ClientCallStreamObserver<ReduceRequest> requests;
        private long sent;
        private int nextPause;
        private boolean paused;
        private final CompletableFuture<?>[] pauses;
        private volatile long halfClosedAt;
        private int results;
        private boolean eof;
        private long eofAt;
        private int responsesSinceRequest;

        WindowStream(Scenario scenario, int seq, long[] pauseAt) {
            this.scenario = scenario;
            long startMillis = 1_700_000_000_000L + seq * WINDOW_MILLIS;
            this.window = Window.newBuilder().setStart(timestamp(startMillis))
                    .setEnd(timestamp(startMillis + WINDOW_MILLIS)).setSlot("slot-0").build();
            this.total = (long) scenario.keys() * scenario.datumsPerKey();
            this.pauseAt = pauseAt == null ? new long[0] : pauseAt;
            this.pauses = new CompletableFuture<?>[this.pauseAt.length];
            for (int i = 0; i < pauses.length; i++) {
                pauses[i] = new CompletableFuture<>();
            }
            this.resulted = new BitSet(scenario.keys());
            // Requests are immutable: build each group's OPEN and APPEND once, so that the generator's CPU
            // goes to sending, not to building messages.
            opens = new ReduceRequest[scenario.keys()];
            appends = new ReduceRequest[scenario.keys()];
            Timestamp eventTime = timestamp(startMillis + 1);
            Timestamp watermark = timestamp(startMillis);
            for (int k = 0; k < scenario.keys(); k++) {
                ReduceRequest.Payload p = ReduceRequest.Payload.newBuilder()
                        .addKeys(key(k))
                        .setValue(payload)
                        .setEventTime(eventTime)
                        .setWatermark(watermark)
                        .putHeaders("x-bench", "1")
                        .build();
                opens[k] = request(Event.OPEN, p);
                appends[k] = request(Event.APPEND, p);
            }
        }

        private ReduceRequest request(Event event, ReduceRequest.Payload p) {
            return ReduceRequest.newBuilder()
                    .setOperation(ReduceRequest.WindowOperation.newBuilder().setEvent(event).addWindows(window))
                    .setPayload(p)
                    .build();
        }

        void start() {
            Metadata headers = new Metadata();
            headers.put(WIN_START, Long.toString(millis(window.getStart())));
            headers.put(WIN_END, Long.toString(millis(window.getEnd())));
            ReduceGrpc.newStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                    .reduceFn(this);
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<ReduceRequest> requestStream) {
            this.requests = requestStream;
            requestStream.setOnReadyHandler(this::drain);
            // Read responses in batches, as the platform's client does, rather than gRPC's one-at-a-time
            // auto-request (a thread hop per response): otherwise 50,000 results measure the client.
            requestStream.disableAutoRequestWithInitial(RESPONSE_WINDOW);
        }

        /** Sends while the transport takes more; runs on gRPC's onReady callbacks and on resume. */
        private synchronized void drain() {
            if (done.isDone() || paused || halfClosedAt != 0) {
                return;
            }
            int keys = scenario.keys();
            while (sent < total && requests.isReady()) {
                if (nextPause < pauseAt.length && sent == pauseAt[nextPause]) {
                    paused = true;
                    pauses[nextPause++].complete(null);
                    return;
                }
                int key = (int) (sent % keys);
                requests.onNext(sent < keys ? opens[key] : appends[key]);
                sent++;
            }
            if (sent == total) {
                if (nextPause < pauseAt.length && pauseAt[nextPause] == total) {
                    paused = true;
                    pauses[nextPause++].complete(null);
                    return;
                }
                halfClosedAt = System.nanoTime();
                requests.onCompleted();
            }
        }

        void awaitPause(long count, long deadline) throws Exception {
            for (int i = 0; i < pauseAt.length; i++) {
                if (pauseAt[i] == count) {
                    CompletableFuture.anyOf(pauses[i], done).get(Math.max(1, deadline - System.nanoTime()),
                            TimeUnit.NANOSECONDS);
                    failFast(List.of(this));
                    return;
                }
            }
        }

        void resume() {
            synchronized (this) {
                paused = false;
            }
            callbacks.execute(this::drain);
        }

        synchronized String progress() {
            return "sent " + sent + "/" + total + ", results " + results + "/" + scenario.keys()
                    + (halfClosedAt != 0 ? ", half-closed" : "") + (eof ? ", EOF" : "");
        }

        @Override
        public synchronized void onNext(ReduceResponse response) {
            if (++responsesSinceRequest == RESPONSE_WINDOW / 2) {
                responsesSinceRequest = 0;
                requests.request(RESPONSE_WINDOW / 2);
            }
            if (done.isDone()) {
                return;
            }
            if (!response.getWindow().equals(window)) {
                fail("response for window " + response.getWindow() + " on the stream of " + window);
                return;
            }
            if (eof) {
                fail(response.getEOF() ? "a second EOF for the window" : "a result after the window's EOF");
                return;
            }
            if (response.getEOF()) {
                eofAt = System.nanoTime();
                eof = true;
                if (results != scenario.keys()) {
                    fail("EOF after " + results + " of " + scenario.keys() + " results");
                }
                return;
            }
            ReduceResponse.Result result = response.getResult();
            if (result.getKeysCount() != 1) {
                fail("result with keys " + result.getKeysList() + ", expected the group's one key");
                return;
            }
            int k = keyIndex(result.getKeys(0));
            if (k < 0 || k >= scenario.keys()) {
                fail("result for unknown key " + result.getKeys(0));
                return;
            }
            if (resulted.get(k)) {
                fail("a second result for key " + result.getKeys(0));
                return;
            }
            String value = result.getValue().toString(StandardCharsets.UTF_8);
            // The bare count (EngineServer.COUNTER), or the sample app's "counter:<n> interval_window_start:…".
            String count = value.startsWith("counter:") ? value.substring(8).split(" ", 2)[0] : value;
            if (!count.equals(Integer.toString(scenario.datumsPerKey()))) {
                fail("key " + result.getKeys(0) + " counted " + value + ", sent " + scenario.datumsPerKey());
                return;
            }
            resulted.set(k);
            results++;
        }

        @Override
        public synchronized void onError(Throwable t) {
            fail("stream ended with " + Status.fromThrowable(t) + " (" + progress() + ")");
        }

        @Override
        public synchronized void onCompleted() {
            if (!eof) {
                fail("stream completed without an EOF (" + progress() + ")");
            } else if (halfClosedAt == 0) {
                fail("stream completed before the half-close");
            } else {
                done.complete(eofAt - halfClosedAt);
            }
        }

        private void fail(String problem) {
            if (done.completeExceptionally(new IllegalStateException(problem))) {
                requests.cancel(problem, null);
            }
        }
    }

    static String key(int k) {
        return "key-" + k;
    }

    static int keyIndex(String key) {
        try {
            return key.startsWith("key-") ? Integer.parseInt(key, 4, key.length(), 10) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Timestamp timestamp(long millis) {
        return Timestamp.newBuilder().setSeconds(Math.floorDiv(millis, 1000))
                .setNanos((int) Math.floorMod(millis, 1000) * 1_000_000).build();
    }

    private static long millis(Timestamp t) {
        return t.getSeconds() * 1000 + t.getNanos() / 1_000_000;
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow();
        channel.awaitTermination(10, TimeUnit.SECONDS);
        callbacks.shutdownNow();
        eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }
}
