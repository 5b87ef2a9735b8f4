package io.numaflow.reducer.bench;

import com.google.protobuf.ByteString;
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
import io.numaproj.numaflow.accumulator.v1.AccumulatorGrpc;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.AccumulatorRequest;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.AccumulatorRequest.WindowOperation.Event;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.AccumulatorResponse;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.KeyedWindow;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.Payload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An accumulator with many keys open at once, as the platform keeps them: every key is opened, then sent
 * datums round after round while none closes, then all close. Measures what "no unit waits for another"
 * costs: outputs per second while every key is open, the server's peak RSS and thread count, and what is
 * left after the keys close. The server is the packaged sample app's event-time sorter ({@code
 * --sample.style=sorter}), whose watermark equals each datum's event time here, so every datum is forwarded at
 * once.
 *
 * <pre>java -cp &lt;harness classpath&gt; io.numaflow.reducer.bench.OpenKeysCheck --ours-jar &lt;app.jar&gt;
 *     [--java &lt;java&gt;] [--keys 10000] [--rounds 20] [--ours-arg ARG]...</pre>
 */
public final class OpenKeysCheck {

    private OpenKeysCheck() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = null;
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        int keys = 10_000;
        int rounds = 20;
        List<String> appArgs = new ArrayList<>(List.of("--sample.style=sorter"));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--ours-jar" -> jar = Path.of(args[++i]);
                case "--java" -> java = Path.of(args[++i]);
                case "--keys" -> keys = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--ours-arg" -> appArgs.add(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (jar == null) {
            throw new IllegalArgumentException("--ours-jar <sample app jar> is required");
        }
        Path dir = Path.of("benchmarks/target/open-keys",
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))).toAbsolutePath();
        List<String> jvmFlags = List.of("-Xms64m", "-Xmx2g", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError");
        ServerLauncher launcher = new ServerLauncher.SpringBootJar("ours", java, jar.toAbsolutePath(), appArgs);
        try (ServerProcess server = ServerProcess.start(launcher, jvmFlags, dir.resolve("server"),
                Duration.ofMinutes(3))) {
            String report = measure(server, java, keys, rounds);
            System.out.println(report);
            Files.writeString(dir.resolve("results.md"), report);
        }
    }

    private static String measure(ServerProcess server, Path java, int keys, int rounds) throws Exception {
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        ManagedChannel channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(server.socket().toString()))
                .channelType(EpollDomainSocketChannel.class).eventLoopGroup(loop).usePlaintext()
                .maxInboundMessageSize(64 * 1024 * 1024).build();
        try {
            ProcStatus idle = ProcStatus.of(server.pid());
            KeyStream stream = new KeyStream();
            AccumulatorGrpc.newStub(channel).accumulateFn(stream);

            long started = System.nanoTime();
            for (int key = 0; key < keys; key++) {
                stream.send(request(Event.OPEN, key, 0));
            }
            stream.awaitOutputs(keys);
            Duration toOpen = Duration.ofNanos(System.nanoTime() - started);
            ProcStatus open = ProcStatus.of(server.pid());
            double cpuBefore = server.cpuSeconds();

            started = System.nanoTime();
            ProcStatus peak = open;
            for (int round = 1; round <= rounds; round++) {
                for (int key = 0; key < keys; key++) {
                    stream.send(request(Event.APPEND, key, round));
                }
                peak = peak.max(ProcStatus.of(server.pid()));
            }
            stream.awaitOutputs((long) keys * (rounds + 1));
            Duration steady = Duration.ofNanos(System.nanoTime() - started);
            double cpu = server.cpuSeconds() - cpuBefore;
            peak = peak.max(ProcStatus.of(server.pid()));

            for (int key = 0; key < keys; key++) {
                stream.send(request(Event.CLOSE, key, rounds));
            }
            stream.awaitEofs(keys);
            stream.requests.onCompleted();
            Status status = stream.status.get(2, TimeUnit.MINUTES);
            if (!status.isOk()) {
                throw new IllegalStateException("the stream ended " + status);
            }
            server.checkAlive();
            ProcStatus closed = ProcStatus.of(server.pid());

            long outputs = (long) keys * rounds;
            return String.format("""
                    # %d open accumulator keys, %s

                    Java: `%s`; server: the packaged sample app (`--sample.style=sorter`), JVM flags `-Xms64m -Xmx2g -XX:+UseG1GC`.
                    %d keys opened (one datum each), then %d rounds of one datum per key, none closed; then all closed.

                    | | value |
                    |---|---:|
                    | all %d keys open and each one's first output received | %.2f s |
                    | outputs/s while every key is open | %,.0f |
                    | server CPU per output while every key is open | %.1f µs |
                    | threads: idle / all keys open / peak / after the keys closed | %d / %d / %d / %d |
                    | RSS: idle / all keys open / peak (VmHWM) / after the keys closed | %d / %d / %d / %d MB |
                    | RSS per open key (all open − idle) | %.1f KB |
                    """, keys, LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME), java, keys, rounds,
                    keys, toOpen.toMillis() / 1000.0, outputs / (steady.toNanos() / 1e9), cpu * 1e6 / outputs,
                    idle.threads, open.threads, peak.threads, closed.threads,
                    idle.rssKib / 1024, open.rssKib / 1024, peak.hwmKib / 1024, closed.rssKib / 1024,
                    (open.rssKib - idle.rssKib) / (double) keys);
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private static AccumulatorRequest request(Event event, int key, int round) {
        KeyedWindow window = KeyedWindow.newBuilder().setStart(millis(0)).setEnd(millis(60_000)).setSlot("slot-0")
                .addKeys("device-" + key).build();
        AccumulatorRequest.Builder request = AccumulatorRequest.newBuilder()
                .setOperation(AccumulatorRequest.WindowOperation.newBuilder().setEvent(event).setKeyedWindow(window));
        if (event != Event.CLOSE) {
            Timestamp time = millis(round * 1_000L);
            request.setPayload(Payload.newBuilder().addKeys("device-" + key).setValue(ByteString.copyFromUtf8("r" + round))
                    .setEventTime(time).setWatermark(time).setId(key + "-" + round));
        }
        return request.build();
    }

    private static Timestamp millis(long millis) {
        return Timestamp.newBuilder().setSeconds(millis / 1000).setNanos((int) (millis % 1000) * 1_000_000).build();
    }

    /** The one AccumulateFn stream: sends only while the server reads (client-side flow control), counts answers. */
    private static final class KeyStream implements ClientResponseObserver<AccumulatorRequest, AccumulatorResponse> {
        final CompletableFuture<Status> status = new CompletableFuture<>();
        final AtomicLong outputs = new AtomicLong();
        final AtomicLong eofs = new AtomicLong();
        final ReentrantLock lock = new ReentrantLock();
        final Condition ready = lock.newCondition();
        ClientCallStreamObserver<AccumulatorRequest> requests;

        @Override
        public void beforeStart(ClientCallStreamObserver<AccumulatorRequest> requestStream) {
            requests = requestStream;
            requestStream.setOnReadyHandler(() -> {
                lock.lock();
                try {
                    ready.signalAll();
                } finally {
                    lock.unlock();
                }
            });
        }

        void send(AccumulatorRequest request) throws InterruptedException {
            lock.lock();
            try {
                while (!requests.isReady()) {
                    if (status.isDone()) {
                        throw new IllegalStateException("the stream ended " + status.join());
                    }
                    ready.await(100, TimeUnit.MILLISECONDS);
                }
            } finally {
                lock.unlock();
            }
            requests.onNext(request);
        }

        @Override
        public void onNext(AccumulatorResponse response) {
            (response.getEOF() ? eofs : outputs).incrementAndGet();
        }

        @Override
        public void onError(Throwable t) {
            status.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            status.complete(Status.OK);
        }

        void awaitOutputs(long count) throws InterruptedException {
            await(outputs, count, "outputs");
        }

        void awaitEofs(long count) throws InterruptedException {
            await(eofs, count, "EOFs");
        }

        private void await(AtomicLong counter, long count, String what) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (counter.get() < count) {
                if (status.isDone() || System.nanoTime() > deadline) {
                    throw new IllegalStateException(counter.get() + " of " + count + " " + what + "; stream "
                            + (status.isDone() ? "ended " + status.join() : "still open"));
                }
                Thread.sleep(5);
            }
        }
    }

    /** Threads, RSS and peak RSS of a process, from {@code /proc/<pid>/status}. */
    private record ProcStatus(long threads, long rssKib, long hwmKib) {
        static ProcStatus of(long pid) throws IOException {
            long threads = 0;
            long rss = 0;
            long hwm = 0;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                String[] field = line.split("\\s+");
                switch (field[0]) {
                    case "Threads:" -> threads = Long.parseLong(field[1]);
                    case "VmRSS:" -> rss = Long.parseLong(field[1]);
                    case "VmHWM:" -> hwm = Long.parseLong(field[1]);
                    default -> { }
                }
            }
            return new ProcStatus(threads, rss, hwm);
        }

        ProcStatus max(ProcStatus other) {
            return new ProcStatus(Math.max(threads, other.threads), Math.max(rssKib, other.rssKib),
                    Math.max(hwmKib, other.hwmKib));
        }
    }
}
