package io.numaflow.reducer.engine;

import static io.numaflow.reducer.engine.AlignedScenarios.resultsByKey;
import static io.numaflow.reducer.wire.RawReduceDriver.PATIENCE;
import static io.numaflow.reducer.wire.RawReduceDriver.request;
import static io.numaflow.reducer.wire.RawReduceDriver.text;
import static io.numaflow.reducer.wire.RawReduceDriver.window;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.numaflow.reducer.Datum;
import io.numaflow.reducer.Message;
import io.numaflow.reducer.Messages;
import io.numaflow.reducer.Metadata;
import io.numaflow.reducer.Reducer;
import io.numaflow.reducer.wire.Closer;
import io.numaflow.reducer.wire.RawReduceDriver;
import io.numaflow.reducer.wire.RawReduceDriver.WindowStream;
import io.numaflow.reducer.wire.UdsReduceServer;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The engine over a real Unix domain socket, driven the way the Numaflow platform drives a reduce UDF. */
class ReduceServiceTest {

    /** The seed's counter: one result per group, {@code counter:<n>}, with the group's keys. */
    static final Reducer COUNTER = (keys, datums, md) -> {
        long n = 0;
        for (Datum ignored : datums) {
            n++;
        }
        return Messages.of(Message.of(("counter:" + n).getBytes(UTF_8), keys));
    };

    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closeables = new Closer();

    private RawReduceDriver serve(Reducer reducer) throws Exception {
        return serve(reducer, 4, EngineSettings.DEFAULT_GROUP_BUFFER);
    }

    private RawReduceDriver serve(Reducer reducer, int transportThreads, int groupBuffer) throws Exception {
        GroupExecutor executor = GroupExecutor.pooled(64, Duration.ofMillis(200));
        ReduceService service = ReduceService.reducer(() -> reducer, new EngineSettings(executor,
                new UdfErrorReporter("test-udf", dir.resolve("errors"), Clock.systemUTC()),
                ReduceListener.NONE, groupBuffer, EngineSettings.DEFAULT_REQUEST_WINDOW));
        Path socket = dir.resolve("reduce.sock");
        closeables.add(executor);
        closeables.add(new UdsReduceServer(socket, service, transportThreads, 4 * 1024 * 1024));
        RawReduceDriver client = new RawReduceDriver(socket);
        closeables.add(client);
        return client;
    }

    @Test
    void isReadyAnswersTrue() throws Exception {
        assertThat(serve(COUNTER).isReady()).isTrue();
    }

    @Test
    void interleavedKeysAreGroupedAndEachGroupCountedWithOneEofLast() throws Exception {
        assertThat(AlignedScenarios.threeInterleavedKeys(serve(COUNTER)))
                .containsOnly(Map.entry("k0", "counter:10"), Map.entry("k1", "counter:10"),
                        Map.entry("k2", "counter:10"));
    }

    @Test
    void datumsArriveInOrderWithTheirFieldsAndTheWindowInMetadata() throws Exception {
        AtomicReference<List<Datum>> seen = new AtomicReference<>();
        AtomicReference<Metadata> metadata = new AtomicReference<>();
        RawReduceDriver client = serve((keys, datums, md) -> {
            List<Datum> all = new ArrayList<>();
            datums.forEach(all::add);
            seen.set(all);
            metadata.set(md);
            return null; // treated as no results
        });
        AlignedScenarios.datumsArriveInOrderWithTheirFields(client, seen::get, metadata::get);
    }

    @Test
    void threeWindowsInOneStreamEachGetTheirResultsThenTheirOwnEof() throws Exception {
        AlignedScenarios.threeWindowsInOneStream(serve(COUNTER));
    }

    @Test
    void twentyConcurrentStreamsEachGetTheirOwnWindowResults() throws Exception {
        AlignedScenarios.twentyConcurrentStreams(serve(COUNTER));
    }

    @Test
    void tenThousandKeysCompleteWithOneTransportThread() throws Exception {
        AlignedScenarios.tenThousandKeys(serve(COUNTER, 1, EngineSettings.DEFAULT_GROUP_BUFFER));
    }

    @Test
    void appendWithoutOpenOpensTheGroupAndCloseIsNeverData() throws Exception {
        RawReduceDriver client = serve(COUNTER);
        Window window = window(0, 60_000);
        ReduceRequest close = ReduceRequest.newBuilder()
                .setOperation(ReduceRequest.WindowOperation.newBuilder().setEvent(Event.CLOSE).addWindows(window))
                .build();
        List<ReduceResponse> responses = client.open()
                .send(request(Event.APPEND, window, List.of("first-is-append"), "1"))
                .send(request(Event.APPEND, window, List.of("first-is-append"), "2"))
                .send(window, List.of("other"), "1")
                .send(close)
                .send(request(Event.APPEND, window, List.of("other"), "2"))
                .closeAndAwait();

        assertThat(responses).hasSize(3);
        assertThat(resultsByKey(responses.subList(0, 2), window))
                .containsOnly(Map.entry("first-is-append", "counter:2"), Map.entry("other", "counter:2"));
        assertThat(responses.get(2).getEOF()).isTrue();
    }

    @Test
    void everyMessageOfAResultIsSentWithItsKeysAndTagsAndDropIsTagged() throws Exception {
        RawReduceDriver client = serve((keys, datums, md) -> {
            datums.forEach(d -> { });
            return Messages.of(
                            new Message("even".getBytes(UTF_8), List.of("out-1"), List.of("even", "all")),
                            Message.of("plain".getBytes(UTF_8)))
                    .append(Message.toDrop());
        });
        Window window = window(0, 60_000);
        List<ReduceResponse> responses = client.open().send(window, List.of("k"), "v").closeAndAwait();

        assertThat(responses).hasSize(4);
        ReduceResponse.Result first = responses.get(0).getResult();
        assertThat(first.getKeysList()).containsExactly("out-1");
        assertThat(first.getTagsList()).containsExactly("even", "all");
        assertThat(first.getValue().toStringUtf8()).isEqualTo("even");
        assertThat(responses.get(1).getResult().getKeysList()).isEmpty();
        assertThat(responses.get(1).getResult().getTagsList()).isEmpty();
        assertThat(responses.get(2).getResult().getTagsList()).containsExactly("U+005C__DROP__");
        assertThat(responses.get(3).getEOF()).isTrue();
    }

    @Test
    void earlyReturnDiscardsTheRestWithoutStallingTheStream() throws Exception {
        RawReduceDriver client = serve((keys, datums, md) -> {
            int n = 0;
            for (Datum d : datums) {
                if (++n == 3) {
                    break;
                }
            }
            return Messages.of(Message.of(("took:" + n).getBytes(UTF_8), keys));
        }, 1, 16);
        Window window = window(0, 60_000);
        WindowStream stream = client.open();
        for (int i = 0; i < 20_000; i++) {
            stream.send(window, List.of("k"), "v" + i);
        }
        stream.send(window, List.of("after"), "v");
        List<ReduceResponse> responses = stream.closeAndAwait();

        assertThat(resultsByKey(responses.subList(0, 2), window))
                .containsOnly(Map.entry("k", "took:3"), Map.entry("after", "took:1"));
        assertThat(responses.get(2).getEOF()).isTrue();
    }

    @Test
    void aSlowReducerPausesItsStreamInsteadOfBufferingEverything() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<GroupTask> slowGroup = new AtomicReference<>();
        int buffer = 32;
        RawReduceDriver client = serve((keys, datums, md) -> {
            release.await();
            long n = 0;
            for (Datum ignored : datums) {
                n++;
            }
            return Messages.of(Message.of(("counter:" + n).getBytes(UTF_8), keys));
        }, 1, buffer);
        Window window = window(0, 60_000);
        WindowStream stream = client.open();
        String kilobyte = "x".repeat(1024);
        int total = 50_000; // ~50 MB: far more than HTTP/2 windows and the group buffer hold
        AtomicInteger sent = new AtomicInteger();
        CountDownLatch stalled = new CountDownLatch(1);
        var requests = stream.requests();
        AtomicBoolean halfClosed = new AtomicBoolean();
        // Sends while the client may. Runs here first, then on every onReady (the channel's executor); a call's
        // request stream is not thread-safe, so they take turns. Started here rather than by the first
        // onReady, which may have come before the handler was set.
        Runnable pump = () -> {
            synchronized (requests) {
                while (requests.isReady() && sent.get() < total) {
                    stream.send(window, List.of("slow"), kilobyte);
                    sent.incrementAndGet();
                }
                if (sent.get() < total) {
                    if (sent.get() > 0) { // not merely a call that is not connected yet
                        stalled.countDown();
                    }
                } else if (halfClosed.compareAndSet(false, true)) { // onReady may come again after it
                    requests.onCompleted();
                }
            }
        };
        stream.onReady(pump);
        pump.run();

        assertThat(stalled.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("the client is held back").isTrue();
        // While the reducer is blocked the client cannot get far: what it sent sits in transport buffers
        // (HTTP/2 windows, a few MB at most) and in the group's bounded buffer.
        await().during(Duration.ofMillis(300)).atMost(PATIENCE).until(() -> sent.get() < total / 5);
        release.countDown();

        assertThat(stream.awaitStatus().isOk()).isTrue();
        assertThat(sent.get()).isEqualTo(total);
        assertThat(stream.responses().get(0).getResult().getValue().toStringUtf8())
                .isEqualTo("counter:" + total);
    }

    @Test
    void aGroupWaitingForAPooledThreadGetsOneOfItsOwnRatherThanStallItsStream() throws Exception {
        // One pooled thread, taken by group "first", which waits for the window to close. Group "second"
        // must not sit in the pool's queue while its buffer fills and the stream pauses: that would deadlock
        // the window. It is started on a thread of its own and consumes while the window is still open.
        CountDownLatch secondConsumedAll = new CountDownLatch(1);
        int datums = EngineSettings.DEFAULT_GROUP_BUFFER * 4;
        GroupExecutor onePooledThread = GroupExecutor.pooled(1, Duration.ofMillis(200));
        closeables.add(onePooledThread);
        Reducer reducer = (keys, datumsOfGroup, md) -> {
            long n = 0;
            for (Datum ignored : datumsOfGroup) {
                if (++n == datums && keys.contains("second")) {
                    secondConsumedAll.countDown();
                }
            }
            return Messages.of(Message.of(("counter:" + n).getBytes(UTF_8), keys));
        };
        Path socket = dir.resolve("one-thread.sock");
        closeables.add(new UdsReduceServer(socket, ReduceService.reducer(() -> reducer, new EngineSettings(
                onePooledThread, new UdfErrorReporter("udf", dir, Clock.systemUTC()), ReduceListener.NONE)), 1,
                1024 * 1024));
        RawReduceDriver client = new RawReduceDriver(socket);
        closeables.add(client);
        Window window = window(0, 60_000);
        WindowStream stream = client.open().send(window, List.of("first"), "v");
        for (int i = 0; i < datums; i++) {
            stream.send(window, List.of("second"), "v");
        }

        assertThat(secondConsumedAll.await(PATIENCE.toSeconds(), TimeUnit.SECONDS))
                .as("the waiting group consumed its datums before the window closed").isTrue();
        List<ReduceResponse> responses = stream.closeAndAwait();
        assertThat(resultsByKey(responses.subList(0, 2), window))
                .containsOnly(Map.entry("first", "counter:1"), Map.entry("second", "counter:" + datums));
    }

    @Test
    void aClientCancelStopsEveryTaskOfTheStreamAndFreesTheirThreads() throws Exception {
        Set<Thread> before = ReducerThreads.now();
        CountDownLatch started = new CountDownLatch(10);
        CountDownLatch ended = new CountDownLatch(10);
        RawReduceDriver client = serve((keys, datums, md) -> {
            started.countDown();
            try {
                return COUNTER.reduce(keys, datums, md); // blocks until the window closes or the stream ends
            } finally {
                ended.countDown();
            }
        });
        Window window = window(0, 60_000);
        WindowStream stream = client.open();
        for (int key = 0; key < 10; key++) {
            stream.send(window, List.of("k" + key), "v");
        }
        assertThat(started.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(ReducerThreads.since(before)).hasSize(10);

        stream.cancel();

        assertThat(ended.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("every reducer saw the end").isTrue();
        assertThat(stream.awaitStatus().getCode()).isEqualTo(Status.Code.CANCELLED);
        await().atMost(PATIENCE).until(() -> ReducerThreads.since(before).isEmpty());
        // and the server still serves
        List<ReduceResponse> next = client.open().send(window, List.of("k"), "v").closeAndAwait();
        assertThat(next).hasSize(2);
        assertThat(text(next.get(0))).isEqualTo("counter:1");
    }

    @Test
    void aReducerBlockedElsewhereIsInterruptedByACancel() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        RawReduceDriver client = serve((keys, datums, md) -> {
            blocked.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return Messages.empty();
        });
        WindowStream stream = client.open().send(window(0, 1000), List.of("k"), "v");
        assertThat(blocked.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();

        stream.cancel();

        assertThat(interrupted.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aSupplierIsAskedForOneReducerPerGroup() throws Exception {
        Map<List<String>, Reducer> instances = new ConcurrentHashMap<>();
        AtomicInteger created = new AtomicInteger();
        GroupExecutor executor = GroupExecutor.pooled(8, Duration.ofMillis(200));
        closeables.add(executor);
        ReduceService service = ReduceService.reducer(() -> {
            created.incrementAndGet();
            Reducer fresh = (keys, datums, md) -> {
                instances.merge(keys, COUNTER, (a, b) -> {
                    throw new AssertionError("two instances for " + keys);
                });
                return COUNTER.reduce(keys, datums, md);
            };
            return fresh;
        }, new EngineSettings(executor, new UdfErrorReporter(null, dir, Clock.systemUTC()), ReduceListener.NONE));
        Path socket = dir.resolve("prototype.sock");
        closeables.add(new UdsReduceServer(socket, service, 2, 1024 * 1024));
        RawReduceDriver client = new RawReduceDriver(socket);
        closeables.add(client);
        Window window = window(0, 1000);
        WindowStream stream = client.open();
        for (int i = 0; i < 12; i++) {
            stream.send(window, List.of("k" + (i % 4)), "v");
        }
        assertThat(stream.closeAndAwait()).hasSize(5);
        assertThat(created).hasValue(4);
    }

}
