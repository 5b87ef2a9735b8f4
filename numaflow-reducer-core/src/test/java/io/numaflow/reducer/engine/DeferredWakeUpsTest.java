package io.numaflow.reducer.engine;

import static io.numaflow.reducer.wire.RawReduceDriver.window;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.numaflow.reducer.Datum;
import io.numaflow.reducer.Message;
import io.numaflow.reducer.Messages;
import io.numaflow.reducer.Reducer;
import io.numaflow.reducer.wire.Closer;
import io.numaflow.reducer.wire.RawReduceDriver;
import io.numaflow.reducer.wire.RawReduceDriver.WindowStream;
import io.numaflow.reducer.wire.UdsReduceServer;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.Window;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine hosted as the starter hosts it, on a transport executor wrapped by {@link DeferredWakeUps}: the
 * wake-ups of parked reducers and the starts of new groups are deferred to the end of each transport task, and
 * none is ever lost.
 */
class DeferredWakeUpsTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closeables = new Closer();

    private RawReduceDriver serve(Reducer reducer, int groupBuffer) throws Exception {
        return serve(reducer, groupBuffer, GroupExecutor.pooled(64, Duration.ofMillis(200)));
    }

    private RawReduceDriver serve(Reducer reducer, int groupBuffer, GroupExecutor executor) throws Exception {
        ReduceService service = ReduceService.reducer(() -> reducer, new EngineSettings(executor,
                new UdfErrorReporter("test-udf", dir.resolve("errors"), Clock.systemUTC()),
                ReduceListener.NONE, groupBuffer, EngineSettings.DEFAULT_REQUEST_WINDOW));
        Path socket = dir.resolve("reduce.sock");
        closeables.add(executor);
        closeables.add(new UdsReduceServer(socket, service, 2, 4 * 1024 * 1024, DeferredWakeUps::around));
        RawReduceDriver client = new RawReduceDriver(socket);
        closeables.add(client);
        return client;
    }

    @Test
    void aReducerReceivesEachDatumWhileTheNextIsYetToBeSent() throws Exception {
        // The client sends a datum only once the reducer has seen the one before: a wake-up deferred and never
        // delivered would leave the reducer parked, and the test would time out.
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        Reducer echo = (keys, datums, md) -> {
            for (Datum datum : datums) {
                seen.add(new String(datum.value(), UTF_8));
            }
            return Messages.empty();
        };
        WindowStream stream = serve(echo, 256).open();
        Window window = window(0, 60_000);
        for (int i = 0; i < 200; i++) {
            stream.send(window, List.of("k"), "v" + i);
            assertThat(seen.poll(30, TimeUnit.SECONDS)).isEqualTo("v" + i);
        }
        stream.closeAndAwait();
    }

    @Test
    void interleavedGroupsWithSmallBuffersAreCountedExactly() throws Exception {
        // A buffer of 4: the wake-up at half capacity and pausing the stream both happen constantly.
        Reducer counter = (keys, datums, md) -> {
            long n = 0;
            for (Datum ignored : datums) {
                n++;
            }
            return Messages.of(Message.of(Long.toString(n).getBytes(UTF_8), keys));
        };
        RawReduceDriver client = serve(counter, 4);
        List<WindowStream> streams = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            Window window = window(w * 60_000L, (w + 1) * 60_000L);
            WindowStream stream = client.open();
            for (int i = 0; i < 4_000; i++) {
                stream.send(window, List.of("k" + i % 8), "v");
            }
            streams.add(stream.halfClose());
        }
        for (WindowStream stream : streams) {
            assertThat(stream.awaitStatus().isOk()).isTrue();
            Map<String, String> counts = stream.responses().stream().filter(r -> !r.getEOF())
                    .collect(Collectors.toMap(r -> r.getResult().getKeys(0), RawReduceDriver::text));
            assertThat(counts).hasSize(8).allSatisfy((key, count) -> assertThat(count).isEqualTo("500"));
            assertThat(stream.responses().get(stream.responses().size() - 1).getEOF()).isTrue();
        }
    }

    @Test
    void aHandOffDeferredInATaskRunsWhenTheTaskEndsAndOutsideATaskNotAtAll() {
        List<String> ran = new ArrayList<>();
        assertThat(DeferredWakeUps.defer(() -> ran.add("outside"))).as("no task, no scope").isFalse();

        DeferredWakeUps.around(Runnable::run).execute(() -> {
            assertThat(DeferredWakeUps.defer(() -> ran.add("first"))).isTrue();
            assertThat(DeferredWakeUps.defer(() -> ran.add("second"))).isTrue();
            assertThat(ran).as("still inside the task").isEmpty();
        });

        assertThat(ran).containsExactly("first", "second");
    }

    @Test
    void thousandsOfOneDatumGroupsWhoseStartsAreDeferredAreEachCountedOnce() throws Exception {
        // Every request opens a group: the starts are handed over every 32 and when each transport task ends.
        int groups = 5_000;
        WindowStream stream = serve(ReduceServiceTest.COUNTER, 256).open();
        Window window = window(0, 60_000);
        for (int key = 0; key < groups; key++) {
            stream.send(window, List.of("k" + key), "v");
        }
        List<ReduceResponse> responses = stream.closeAndAwait();

        assertThat(responses).hasSize(groups + 1);
        assertThat(responses.get(groups).getEOF()).isTrue();
        Map<String, String> counts = responses.subList(0, groups).stream()
                .collect(Collectors.toMap(r -> r.getResult().getKeys(0), RawReduceDriver::text));
        assertThat(counts).hasSize(groups).containsEntry("k4999", "counter:1");
        assertThat(counts.values()).containsOnly("counter:1");
    }

    @Test
    void aGroupWhoseDeferredStartIsRefusedEndsTheCallUnavailable() throws Exception {
        // The group executor has shut down (the application is stopping) while a stream still arrives.
        GroupExecutor stopped = GroupExecutor.pooled(1, Duration.ofMillis(200));
        stopped.close();
        WindowStream stream = serve(ReduceServiceTest.COUNTER, 256, stopped).open();

        Status status = stream.send(window(0, 60_000), List.of("k"), "v").awaitStatus();

        assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(status.getDescription()).isEqualTo("the reduce UDF is shutting down");
    }

    @Test
    void aLongTaskWakesItsDeferredConsumersEvery32AndTheRestWhenItEnds() throws Exception {
        int groups = DeferredWakeUps.MAX_DEFERRED + 8;
        List<DatumChannel> channels = IntStream.range(0, groups)
                .mapToObj(i -> new DatumChannel(null, EngineSettings.DEFAULT_GROUP_BUFFER)).toList();
        CountDownLatch received = new CountDownLatch(groups);
        List<Thread> consumers = channels.stream().map(channel -> new Thread(() -> {
            for (Datum ignored : channel) {
                received.countDown();
            }
        })).toList();
        consumers.forEach(Thread::start);
        await().atMost(RawReduceDriver.PATIENCE)
                .until(() -> consumers.stream().allMatch(t -> t.getState() == Thread.State.WAITING));
        Datum datum = new Datum(List.of("k"), new byte[0], null, null, null);
        Executor transport = DeferredWakeUps.around(Runnable::run);
        Consumer<DatumChannel> request = channel -> { // what StreamCall.onNext does per request
            channel.offer(datum);
            DeferredWakeUps.wakeIfMany();
        };

        transport.execute(() -> {
            channels.subList(0, DeferredWakeUps.MAX_DEFERRED).forEach(request);
            // Still inside the task: the 32 consumers deferred so far have been woken.
            await().atMost(RawReduceDriver.PATIENCE)
                    .until(() -> received.getCount() == groups - DeferredWakeUps.MAX_DEFERRED);
            channels.subList(DeferredWakeUps.MAX_DEFERRED, groups).forEach(request);
        });

        assertThat(received.await(30, TimeUnit.SECONDS)).isTrue();
        channels.forEach(DatumChannel::closeInput);
        for (Thread consumer : consumers) {
            consumer.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(consumer.isAlive()).isFalse();
        }
    }
}
