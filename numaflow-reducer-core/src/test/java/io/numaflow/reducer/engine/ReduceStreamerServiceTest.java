package io.numaflow.reducer.engine;

import static io.numaflow.reducer.wire.RawReduceDriver.PATIENCE;
import static io.numaflow.reducer.wire.RawReduceDriver.request;
import static io.numaflow.reducer.wire.RawReduceDriver.text;
import static io.numaflow.reducer.wire.RawReduceDriver.window;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.numaflow.reducer.Datum;
import io.numaflow.reducer.Message;
import io.numaflow.reducer.Output;
import io.numaflow.reducer.ReduceStreamer;
import io.numaflow.reducer.wire.Closer;
import io.numaflow.reducer.wire.RawReduceDriver;
import io.numaflow.reducer.wire.RawReduceDriver.WindowStream;
import io.numaflow.reducer.wire.UdsReduceServer;
import io.numaproj.numaflow.reduce.v1.ReduceGrpc;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest.WindowOperation.Event;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.Window;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A {@link ReduceStreamer} over a real Unix domain socket, driven the way the Numaflow platform drives it. */
class ReduceStreamerServiceTest {

    /** Sends {@code seen:<n>} for every datum, then {@code total:<n>} when the window closes. */
    static final ReduceStreamer RUNNING_COUNT = (keys, datums, output, md) -> {
        long n = 0;
        for (Datum ignored : datums) {
            output.send(Message.of(("seen:" + ++n).getBytes(UTF_8), keys));
        }
        output.send(Message.of(("total:" + n).getBytes(UTF_8), keys));
    };

    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closeables = new Closer();
    private final AtomicInteger udfErrors = new AtomicInteger();

    private RawReduceDriver serve(ReduceStreamer streamer, int transportThreads) throws Exception {
        GroupExecutor executor = GroupExecutor.pooled(64, Duration.ofMillis(200));
        ReduceListener listener = new ReduceListener() {
            @Override
            public void udfError(io.numaflow.reducer.IntervalWindow window, Throwable error) {
                udfErrors.incrementAndGet();
            }
        };
        ReduceService service = ReduceService.streamer(() -> streamer, new EngineSettings(executor,
                new UdfErrorReporter("udf", dir.resolve("errors"), Clock.systemUTC()), listener));
        Path socket = dir.resolve("stream.sock");
        closeables.add(executor);
        closeables.add(new UdsReduceServer(socket, service, transportThreads, 4 * 1024 * 1024));
        RawReduceDriver client = new RawReduceDriver(socket);
        closeables.add(client);
        return client;
    }

    /** The texts of a window's results by key, in the order they came; asserts each carries the window. */
    private static Map<String, List<String>> resultsByKey(List<ReduceResponse> responses, Window window) {
        return responses.stream().filter(r -> !r.getEOF())
                .peek(r -> assertThat(r.getWindow()).isEqualTo(window))
                .collect(Collectors.groupingBy(r -> String.join(",", r.getResult().getKeysList()),
                        Collectors.mapping(RawReduceDriver::text, Collectors.toList())));
    }

    @Test
    void resultsArriveWhileTheRequestStreamIsStillOpen() throws Exception {
        RawReduceDriver client = serve(RUNNING_COUNT, 4);
        Window window = window(60_000, 120_000, "slot-3");
        WindowStream stream = client.open();
        stream.send(window, List.of("a"), "1").send(window, List.of("a"), "2").send(window, List.of("b"), "3");

        await().atMost(PATIENCE).until(() -> stream.responses().size() == 3);
        assertThat(stream.status()).as("the window is still open").isNotDone();
        assertThat(resultsByKey(stream.responses(), window))
                .containsOnly(Map.entry("a", List.of("seen:1", "seen:2")), Map.entry("b", List.of("seen:1")));

        List<ReduceResponse> responses = stream.closeAndAwait();
        assertThat(responses).hasSize(6);
        assertThat(responses.get(5).getEOF()).isTrue();
        assertThat(responses.get(5).getWindow()).isEqualTo(window);
        assertThat(resultsByKey(responses, window)).containsOnly(
                Map.entry("a", List.of("seen:1", "seen:2", "total:2")),
                Map.entry("b", List.of("seen:1", "total:1")));
    }

    @Test
    void severalWindowsInOneStreamEachEndWithTheirOwnEofAfterTheirResults() throws Exception {
        RawReduceDriver client = serve(RUNNING_COUNT, 4);
        List<Window> windows = List.of(window(0, 1000), window(1000, 2000), window(2000, 3000));
        WindowStream stream = client.open();
        for (int i = 0; i < 30; i++) {
            stream.send(windows.get(i % 3), List.of("k" + (i % 2)), "v");
        }
        List<ReduceResponse> responses = stream.closeAndAwait();

        for (Window window : windows) {
            List<ReduceResponse> ofWindow = responses.stream().filter(r -> r.getWindow().equals(window)).toList();
            assertThat(ofWindow.stream().filter(ReduceResponse::getEOF)).hasSize(1);
            assertThat(ofWindow.get(ofWindow.size() - 1).getEOF()).as("EOF after the window's results").isTrue();
            Map<String, List<String>> results = resultsByKey(ofWindow, window);
            assertThat(results.get("k0")).last().isEqualTo("total:5");
            assertThat(results.get("k1")).last().isEqualTo("total:5");
        }
    }

    @Test
    void twentyConcurrentStreamsEachGetTheirOwnResults() throws Exception {
        RawReduceDriver client = serve(RUNNING_COUNT, 4);
        List<WindowStream> streams = IntStream.range(0, 20).mapToObj(s -> client.open()).toList();
        for (int i = 0; i < 40; i++) {
            for (int s = 0; s < 20; s++) {
                streams.get(s).send(window(s * 1000L, s * 1000L + 1000), List.of("k" + (i % 4)), "v");
            }
        }
        streams.forEach(WindowStream::halfClose);
        for (int s = 0; s < 20; s++) {
            assertThat(streams.get(s).awaitStatus().isOk()).isTrue();
            List<ReduceResponse> responses = streams.get(s).responses();
            assertThat(responses).hasSize(4 * 11 + 1);
            assertThat(responses.get(responses.size() - 1).getEOF()).isTrue();
            assertThat(resultsByKey(responses, window(s * 1000L, s * 1000L + 1000)).values())
                    .allSatisfy(texts -> assertThat(texts).hasSize(11).last().isEqualTo("total:10"));
        }
    }

    @Test
    void fiveThousandKeysCompleteWithOneTransportThread() throws Exception {
        ReduceStreamer totalOnly = (keys, datums, output, md) -> {
            long n = 0;
            for (Datum ignored : datums) {
                n++;
            }
            output.send(Message.of(("total:" + n).getBytes(UTF_8), keys));
        };
        RawReduceDriver client = serve(totalOnly, 1);
        Window window = window(0, 60_000);
        WindowStream stream = client.open();
        for (int round = 0; round < 2; round++) {
            for (int key = 0; key < 5_000; key++) {
                stream.send(window, List.of("k" + key), "v");
            }
        }
        List<ReduceResponse> responses = stream.closeAndAwait();

        assertThat(responses).hasSize(5_001);
        assertThat(responses.get(5_000).getEOF()).isTrue();
        Map<String, List<String>> results = resultsByKey(responses, window);
        assertThat(results).hasSize(5_000);
        assertThat(results.values()).allSatisfy(texts -> assertThat(texts).containsExactly("total:2"));
    }

    @Test
    void aHandlerBlocksInSendWhileTheClientIsNotReading() throws Exception {
        int total = 2_000;
        String chunk = "x".repeat(64 * 1024); // ~128 MB if it were all buffered
        AtomicInteger sent = new AtomicInteger();
        RawReduceDriver client = serve((keys, datums, output, md) -> {
            datums.forEach(d -> { });
            for (int i = 0; i < total; i++) {
                output.send(Message.of(chunk.getBytes(UTF_8), keys));
                sent.incrementAndGet();
            }
        }, 2);
        ManualReadStream stream = new ManualReadStream(client);
        stream.requests.onNext(request(Event.OPEN, window(0, 1000), List.of("k"), "v"));
        stream.requests.onCompleted();

        // The client reads nothing yet: the handler must be held back by gRPC flow control, with at most
        // transport windows' worth (a few MB) in flight, not the whole 128 MB.
        await().atMost(PATIENCE).until(() -> sent.get() > 0);
        await().during(Duration.ofMillis(500)).atMost(PATIENCE).until(() -> sent.get() < 100);

        stream.requests.request(Integer.MAX_VALUE);
        assertThat(stream.status.get(60, TimeUnit.SECONDS).isOk()).isTrue();
        assertThat(sent).hasValue(total);
        assertThat(stream.results).hasValue(total);
        assertThat(stream.eofs).hasValue(1);
    }

    @Test
    void outputIsSafeFromSeveralThreadsOfTheHandler() throws Exception {
        int threads = 4;
        int each = 500;
        RawReduceDriver client = serve((keys, datums, output, md) -> {
            datums.forEach(d -> { });
            var pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
            try {
                List<java.util.concurrent.Future<?>> sends = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    String prefix = "t" + t + ":";
                    sends.add(pool.submit(() -> {
                        for (int i = 0; i < each; i++) {
                            output.send(Message.of((prefix + i).getBytes(UTF_8), keys));
                        }
                    }));
                }
                for (var send : sends) {
                    send.get();
                }
            } finally {
                pool.shutdown();
            }
        }, 2);
        Window window = window(0, 1000);
        List<ReduceResponse> responses = client.open().send(window, List.of("k"), "v").closeAndAwait();

        assertThat(responses).hasSize(threads * each + 1);
        assertThat(responses.get(threads * each).getEOF()).isTrue();
        List<String> texts = responses.subList(0, threads * each).stream().map(RawReduceDriver::text).toList();
        assertThat(texts).doesNotHaveDuplicates();
        for (int t = 0; t < threads; t++) {
            String prefix = "t" + t + ":";
            assertThat(texts.stream().filter(text -> text.startsWith(prefix)).map(text -> text.substring(prefix.length()))
                    .map(Integer::parseInt).toList()).as("each thread's sends in its order")
                    .isEqualTo(IntStream.range(0, each).boxed().toList());
        }
    }

    @Test
    void aThrowingHandlerEndsItsStreamInternalAfterWhatItSentAndTheServerGoesOn() throws Exception {
        RawReduceDriver client = serve((keys, datums, output, md) -> {
            for (Datum datum : datums) {
                if (new String(datum.value(), UTF_8).equals("bad")) {
                    throw new IllegalArgumentException("cannot take " + keys);
                }
                output.send(Message.of(datum.value(), keys));
            }
        }, 2);
        Window window = window(0, 1000);
        WindowStream failing = client.open().send(window, List.of("k"), "good");
        await().atMost(PATIENCE).until(() -> failing.responses().size() == 1);
        failing.send(window, List.of("k"), "bad");

        Status status = failing.awaitStatus();
        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription())
                .isEqualTo("UDF_EXECUTION_ERROR(udf): java.lang.IllegalArgumentException: cannot take [k]");
        assertThat(failing.responses()).as("what was sent stays sent, and no EOF")
                .singleElement().satisfies(r -> assertThat(text(r)).isEqualTo("good"));
        assertThat(udfErrors).hasValue(1);

        List<ReduceResponse> next = client.open().send(window, List.of("k"), "fine").closeAndAwait();
        assertThat(next).hasSize(2);
        assertThat(text(next.get(0))).isEqualTo("fine");
        assertThat(next.get(1).getEOF()).isTrue();
    }

    @Test
    void aCancelStopsEveryHandlerAndFreesItsThreadsAndItsOutput() throws Exception {
        Set<Thread> before = ReducerThreads.now();
        CountDownLatch started = new CountDownLatch(5);
        CountDownLatch ended = new CountDownLatch(5);
        AtomicReference<Output> anOutput = new AtomicReference<>();
        RawReduceDriver client = serve((keys, datums, output, md) -> {
            anOutput.set(output);
            started.countDown();
            try {
                RUNNING_COUNT.reduceStream(keys, datums, output, md);
            } finally {
                ended.countDown();
            }
        }, 2);
        Window window = window(0, 60_000);
        WindowStream stream = client.open();
        for (int key = 0; key < 5; key++) {
            stream.send(window, List.of("k" + key), "v");
        }
        assertThat(started.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(ReducerThreads.since(before)).hasSize(5);

        stream.cancel();

        assertThat(ended.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        await().atMost(PATIENCE).until(() -> ReducerThreads.since(before).isEmpty());
        assertThatThrownBy(() -> anOutput.get().send(Message.of("late".getBytes(UTF_8))))
                .isInstanceOf(IllegalStateException.class);
        List<ReduceResponse> next = client.open().send(window, List.of("k"), "v").closeAndAwait();
        assertThat(next).extracting(RawReduceDriver::text).containsExactly("seen:1", "total:1", "");
    }

    @Test
    void sendAfterTheHandlerReturnedThrows() throws Exception {
        CompletableFuture<Output> kept = new CompletableFuture<>();
        RawReduceDriver client = serve((keys, datums, output, md) -> {
            datums.forEach(d -> { });
            kept.complete(output);
        }, 2);
        List<ReduceResponse> responses = client.open().send(window(0, 1000), List.of("k"), "v").closeAndAwait();
        assertThat(responses).singleElement().satisfies(r -> assertThat(r.getEOF()).isTrue());

        assertThatThrownBy(() -> kept.join().send(Message.of("late".getBytes(UTF_8))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the handler has returned: its output is closed");
    }


    @Test
    void sendingNullFailsAtTheCallWithAClearMessageAndTheHandlerCarriesOn() throws Exception {
        List<Throwable> refused = new CopyOnWriteArrayList<>();
        RawReduceDriver client = serve((keys, datums, output, md) -> {
            datums.forEach(d -> { });
            refused.add(catchThrowable(() -> output.send(null)));
            output.send(Message.of("after".getBytes(UTF_8), keys));
        }, 2);

        List<ReduceResponse> responses = client.open().send(window(0, 1000), List.of("k"), "v").closeAndAwait();

        assertThat(refused).hasSize(1);
        assertThat(refused.get(0)).isInstanceOf(NullPointerException.class).hasMessage("message must not be null");
        assertThat(responses).extracting(RawReduceDriver::text).containsExactly("after", "");
    }

    /** A {@code ReduceFn} call whose client reads responses only when the test asks it to. */
    private static final class ManualReadStream {
        final AtomicInteger results = new AtomicInteger();
        final AtomicInteger eofs = new AtomicInteger();
        final CompletableFuture<Status> status = new CompletableFuture<>();
        ClientCallStreamObserver<ReduceRequest> requests;

        ManualReadStream(RawReduceDriver client) {
            ReduceGrpc.newStub(client.channel()).reduceFn(new ClientResponseObserver<ReduceRequest, ReduceResponse>() {
                @Override
                public void beforeStart(ClientCallStreamObserver<ReduceRequest> requestStream) {
                    requestStream.disableAutoRequestWithInitial(0);
                    requests = requestStream;
                }

                @Override
                public void onNext(ReduceResponse response) {
                    (response.getEOF() ? eofs : results).incrementAndGet();
                }

                @Override
                public void onError(Throwable error) {
                    status.complete(Status.fromThrowable(error));
                }

                @Override
                public void onCompleted() {
                    status.complete(Status.OK);
                }
            });
        }
    }
}
