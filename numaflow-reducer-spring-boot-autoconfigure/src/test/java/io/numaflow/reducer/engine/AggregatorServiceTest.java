package io.numaflow.reducer.engine;

import static io.numaflow.reducer.engine.AlignedScenarios.resultsByKey;
import static io.numaflow.reducer.wire.RawReduceDriver.PATIENCE;
import static io.numaflow.reducer.wire.RawReduceDriver.request;
import static io.numaflow.reducer.wire.RawReduceDriver.text;
import static io.numaflow.reducer.wire.RawReduceDriver.window;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.rpc.DebugInfo;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.numaflow.reducer.Aggregator;
import io.numaflow.reducer.Datum;
import io.numaflow.reducer.Message;
import io.numaflow.reducer.Messages;
import io.numaflow.reducer.Metadata;
import io.numaflow.reducer.autoconfigure.ReducerMetrics;
import io.numaflow.reducer.wire.Closer;
import io.numaflow.reducer.wire.CountingAggregator;
import io.numaflow.reducer.wire.RawReduceDriver;
import io.numaflow.reducer.wire.RawReduceDriver.WindowStream;
import io.numaflow.reducer.wire.UdsReduceServer;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest.WindowOperation.Event;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.Window;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An {@link Aggregator} served over a real Unix domain socket, driven the way the Numaflow platform drives a
 * reduce UDF: everything a {@code Reducer} promises, with each datum folded on the transport thread.
 */
class AggregatorServiceTest {

    static final Window WINDOW = window(0, 60_000);
    static final int MAX_MESSAGE = 1024 * 1024;

    /** Counts a group's datums and joins their values: {@code <n>:<v1>,<v2>,...}, with the group's keys. */
    static final class Joiner implements Aggregator<Joiner.State> {
        static final class State {
            int count;
            final StringBuilder values = new StringBuilder();
        }

        @Override
        public State create(List<String> keys, Metadata metadata) {
            return new State();
        }

        @Override
        public State add(State state, Datum datum) {
            if (state.count++ > 0) {
                state.values.append(',');
            }
            state.values.append(new String(datum.value(), UTF_8));
            return state;
        }

        @Override
        public Messages result(List<String> keys, State state, Metadata metadata) {
            return Messages.of(Message.of((state.count + ":" + state.values).getBytes(UTF_8), keys));
        }
    }

    static final Aggregator<long[]> COUNTER = new CountingAggregator();

    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closeables = new Closer();

    private final AtomicReference<Aggregator<?>> aggregator = new AtomicReference<>(COUNTER);
    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final EngineFaultsTest.CountingListener counting = new EngineFaultsTest.CountingListener();
    private RawReduceDriver client;

    @BeforeEach
    void serve() throws Exception {
        client = serve(2);
    }

    private UdsReduceServer server;

    private RawReduceDriver serve(int transportThreads) throws Exception {
        GroupExecutor executor = closeables.add(GroupExecutor.pooled(4, Duration.ofMillis(200)));
        ReduceListener listener = ReduceListener.of(List.of(new ReducerMetrics(meters), counting));
        ReduceService service = ReduceService.aggregator(aggregator::get, new EngineSettings(executor,
                new UdfErrorReporter("udf", dir.resolve("errors"), Clock.systemUTC()), listener));
        Path socket = dir.resolve("aggregator-" + transportThreads + ".sock");
        server = closeables.add(new UdsReduceServer(socket, service, transportThreads, MAX_MESSAGE));
        return closeables.add(new RawReduceDriver(socket));
    }

    /** The server answers a normal window correctly: the proof that a fault left it serving. */
    private void assertStillServes() {
        aggregator.set(COUNTER);
        List<ReduceResponse> responses = client.open().send(WINDOW, List.of("after"), "v").closeAndAwait();
        assertThat(responses).hasSize(2);
        assertThat(text(responses.get(0))).isEqualTo("counter:1");
        assertThat(responses.get(1).getEOF()).isTrue();
    }

    private double meter(String name) {
        return meters.get(name).counter().count();
    }

    private double gauge(String name) {
        return meters.get(name).gauge().value();
    }

    @Test
    void isReadyAnswersTrue() {
        assertThat(client.isReady()).isTrue();
    }

    @Test
    void eachGroupsDatumsAreFoldedInArrivalOrderAndItsResultsSentBeforeOneEof() {
        aggregator.set(new Joiner());
        assertThat(AlignedScenarios.threeInterleavedKeys(client)).containsOnly(
                Map.entry("k0", "10:v0,v3,v6,v9,v12,v15,v18,v21,v24,v27"),
                Map.entry("k1", "10:v1,v4,v7,v10,v13,v16,v19,v22,v25,v28"),
                Map.entry("k2", "10:v2,v5,v8,v11,v14,v17,v20,v23,v26,v29"));
    }

    @Test
    void createSeesTheKeysAndWindowAndAddSeesEveryFieldOfTheDatum() {
        List<Datum> seen = new ArrayList<>();
        AtomicReference<Metadata> created = new AtomicReference<>();
        aggregator.set(new Aggregator<List<Datum>>() {
            @Override
            public List<Datum> create(List<String> keys, Metadata metadata) {
                assertThat(created.getAndSet(metadata)).as("one group").isNull();
                assertThat(keys).containsExactly("a");
                return seen;
            }

            @Override
            public List<Datum> add(List<Datum> state, Datum datum) {
                state.add(datum);
                return state;
            }

            @Override
            public Messages result(List<String> keys, List<Datum> state, Metadata metadata) {
                assertThat(metadata).isEqualTo(created.get());
                return null; // treated as no results
            }
        });
        AlignedScenarios.datumsArriveInOrderWithTheirFields(client, () -> seen, created::get);
    }

    @Test
    void threeWindowsInOneStreamEachGetTheirResultsThenTheirOwnEof() {
        AlignedScenarios.threeWindowsInOneStream(client);
        assertThat(meter("numaflow.reducer.windows.completed")).isEqualTo(3);
    }

    @Test
    void twentyConcurrentStreamsEachGetTheirOwnWindowResults() {
        AlignedScenarios.twentyConcurrentStreams(client);
    }

    @Test
    void everyMessageOfAResultIsSentWithItsKeysAndTagsAndCloseIsNeverData() {
        aggregator.set(new Aggregator<Integer>() {
            @Override
            public Integer create(List<String> keys, Metadata metadata) {
                return 0;
            }

            @Override
            public Integer add(Integer state, Datum datum) {
                return state + 1;
            }

            @Override
            public Messages result(List<String> keys, Integer state, Metadata metadata) {
                return Messages.of(new Message(("n=" + state).getBytes(UTF_8), List.of("out"), List.of("t1", "t2")))
                        .append(Message.toDrop());
            }
        });
        ReduceRequest close = ReduceRequest.newBuilder()
                .setOperation(ReduceRequest.WindowOperation.newBuilder().setEvent(Event.CLOSE).addWindows(WINDOW))
                .build();
        List<ReduceResponse> responses = client.open()
                .send(request(Event.APPEND, WINDOW, List.of("k"), "first-is-append"))
                .send(close)
                .send(WINDOW, List.of("k"), "v")
                .closeAndAwait();

        assertThat(responses).hasSize(3);
        ReduceResponse.Result first = responses.get(0).getResult();
        assertThat(first.getKeysList()).containsExactly("out");
        assertThat(first.getTagsList()).containsExactly("t1", "t2");
        assertThat(first.getValue().toStringUtf8()).isEqualTo("n=2");
        assertThat(responses.get(1).getResult().getTagsList()).containsExactly("U+005C__DROP__");
        assertThat(responses.get(2).getEOF()).isTrue();
    }

    @Test
    void tenThousandKeysCompleteWithOneTransportThreadAndNoThreadOfTheirOwn() throws Exception {
        Set<Thread> before = ReducerThreads.now();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        aggregator.set(new CountingAggregator() {
            @Override
            public long[] create(List<String> keys, Metadata metadata) {
                threads.add(Thread.currentThread().getName());
                return super.create(keys, metadata);
            }

            @Override
            public long[] add(long[] count, Datum datum) {
                threads.add(Thread.currentThread().getName());
                return super.add(count, datum);
            }

            @Override
            public Messages result(List<String> keys, long[] count, Metadata metadata) {
                threads.add(Thread.currentThread().getName());
                return super.result(keys, count, metadata);
            }
        });
        AlignedScenarios.tenThousandKeys(serve(1));

        assertThat(threads).as("every call on the transport thread").containsOnly("test-transport");
        assertThat(ReducerThreads.since(before)).as("no thread per group").isEmpty();
    }

    @Test
    void aWindowInFlightWhenTheServerBeginsShuttingDownStillGetsItsResults() throws Exception {
        WindowStream inFlight = client.open().send(WINDOW, List.of("k"), "1").send(WINDOW, List.of("k"), "2");
        await().atMost(PATIENCE).until(() -> meter("numaflow.reducer.datums.received") == 2);

        server.beginShutdown(); // what SIGTERM starts: no new calls, the open one goes on
        List<ReduceResponse> responses = inFlight.send(WINDOW, List.of("k"), "3").closeAndAwait();

        assertThat(responses).hasSize(2);
        assertThat(text(responses.get(0))).isEqualTo("counter:3");
        assertThat(responses.get(1).getEOF()).isTrue();
        assertThat(server.awaitTermination(PATIENCE)).isTrue();
    }

    @Test
    void aSupplierIsAskedForOneAggregatorPerGroup() throws Exception {
        Map<List<String>, Aggregator<Long>> instances = new ConcurrentHashMap<>();
        AtomicInteger created = new AtomicInteger();
        GroupExecutor executor = closeables.add(GroupExecutor.pooled(1, Duration.ofMillis(200)));
        ReduceService service = ReduceService.aggregator(() -> {
            created.incrementAndGet();
            return new Aggregator<Long>() {
                @Override
                public Long create(List<String> keys, Metadata metadata) {
                    assertThat(instances.put(keys, this)).as("one instance per group").isNull();
                    return 0L;
                }

                @Override
                public Long add(Long state, Datum datum) {
                    assertThat(instances.get(datum.keys())).isSameAs(this);
                    return state + 1;
                }

                @Override
                public Messages result(List<String> keys, Long state, Metadata metadata) {
                    assertThat(instances.get(keys)).isSameAs(this);
                    return CountingAggregator.counted(keys, state);
                }
            };
        }, new EngineSettings(executor, new UdfErrorReporter("udf", dir, Clock.systemUTC()), ReduceListener.NONE));
        Path socket = dir.resolve("prototype.sock");
        closeables.add(new UdsReduceServer(socket, service, 2, MAX_MESSAGE));
        RawReduceDriver perGroup = closeables.add(new RawReduceDriver(socket));
        WindowStream stream = perGroup.open();
        for (int i = 0; i < 12; i++) {
            stream.send(WINDOW, List.of("k" + (i % 4)), "v");
        }
        List<ReduceResponse> responses = stream.closeAndAwait();

        assertThat(responses).hasSize(5);
        assertThat(resultsByKey(responses.subList(0, 4), WINDOW).values()).containsOnly("counter:3");
        assertThat(created).hasValue(4);
    }

    static Stream<Arguments> malformedRequests() {
        return EngineFaultsTest.malformedRequests();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedRequests")
    void aMalformedRequestEndsItsStreamWithInvalidArgument(String name, ReduceRequest bad, String message) {
        AlignedScenarios.malformedIsInvalidArgument(client, bad, message);
        assertThat(counting.malformed).hasValue(1);
        await().atMost(PATIENCE).until(() -> gauge("numaflow.reducer.groups.active") == 0);
        assertStillServes();
    }

    @Test
    void anOversizeMessageIsRefusedWithResourceExhaustedAndTheConnectionStaysUp() {
        AlignedScenarios.oversizeIsResourceExhausted(client, MAX_MESSAGE);
        await().atMost(PATIENCE).untilAtomic(counting.closed, org.hamcrest.Matchers.equalTo(1));
        assertThat(gauge("numaflow.reducer.groups.active")).isZero();
        assertStillServes(); // on the same client, so the same connection
    }

    @Test
    void aCancelDropsEveryStateOfTheStreamAndTheServerServesTheNext() {
        List<WeakReference<Object>> states = new ArrayList<>();
        aggregator.set(new Aggregator<long[]>() {
            @Override
            public long[] create(List<String> keys, Metadata metadata) {
                long[] state = new long[1];
                synchronized (states) {
                    states.add(new WeakReference<>(state));
                }
                return state;
            }

            @Override
            public long[] add(long[] state, Datum datum) {
                state[0]++;
                return state;
            }

            @Override
            public Messages result(List<String> keys, long[] state, Metadata metadata) {
                throw new AssertionError("a cancelled window has no result");
            }
        });
        WindowStream stream = client.open();
        for (int i = 0; i < 1000; i++) {
            stream.send(WINDOW, List.of("k" + (i % 10)), "v");
        }
        await().atMost(PATIENCE).until(() -> meter("numaflow.reducer.datums.received") == 1000);
        assertThat(gauge("numaflow.reducer.groups.active")).isEqualTo(10);

        stream.cancel();

        assertThat(stream.awaitStatus().getCode()).isEqualTo(Status.Code.CANCELLED);
        await().atMost(PATIENCE).untilAtomic(counting.closed, org.hamcrest.Matchers.equalTo(1));
        assertThat(gauge("numaflow.reducer.groups.active")).isZero();
        assertThat(gauge("numaflow.reducer.streams.active")).isZero();
        assertThat(meters.get("numaflow.reducer.streams.rejected").tag("reason", "cancelled").counter().count())
                .isEqualTo(1);
        await().atMost(PATIENCE).until(() -> {
            System.gc();
            synchronized (states) {
                return states.size() == 10 && states.stream().allMatch(state -> state.get() == null);
            }
        });
        assertStillServes();
    }

    /** Which of the three calls throws. */
    enum Failing { CREATE, ADD, RESULT }

    /** Counts like {@link #COUNTER}; the chosen call throws for the group {@code bad}. */
    private static Aggregator<Long> throwingIn(Failing failing) {
        return new Aggregator<>() {
            @Override
            public Long create(List<String> keys, Metadata metadata) {
                throwIf(failing == Failing.CREATE, keys);
                return 0L;
            }

            @Override
            public Long add(Long state, Datum datum) {
                throwIf(failing == Failing.ADD && state == 1, datum.keys()); // on the group's second datum
                return state + 1;
            }

            @Override
            public Messages result(List<String> keys, Long state, Metadata metadata) {
                throwIf(failing == Failing.RESULT, keys);
                return CountingAggregator.counted(keys, state);
            }

            private void throwIf(boolean fail, List<String> keys) {
                if (fail && keys.contains("bad")) {
                    throw new IllegalStateException(failing + " failed for " + keys);
                }
            }
        };
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Failing.class)
    void aThrowingCallEndsItsStreamInternalInThePlatformsFormatPersistedAndCounted(Failing failing)
            throws Exception {
        aggregator.set(throwingIn(failing));
        WindowStream healthy = client.open().send(window(0, 1000), List.of("good"), "v");
        await().atMost(PATIENCE).until(() -> gauge("numaflow.reducer.groups.active") == 1);
        WindowStream failingStream = client.open().send(WINDOW, List.of("ok"), "v")
                .send(WINDOW, List.of("bad"), "v").send(WINDOW, List.of("bad"), "v").halfClose();

        Status status = failingStream.awaitStatus();

        String expected = "java.lang.IllegalStateException: " + failing + " failed for [bad]";
        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription()).isEqualTo("UDF_EXECUTION_ERROR(udf): " + expected);
        com.google.rpc.Status rich = failingStream.richStatus();
        assertThat(rich.getCode()).isEqualTo(com.google.rpc.Code.INTERNAL_VALUE);
        DebugInfo debug = rich.getDetails(0).unpack(DebugInfo.class);
        assertThat(debug.getDetail()).startsWith(expected).contains("at io.numaflow.reducer.engine.AggregatorServiceTest");
        assertThat(failingStream.responses()).as("nothing of the failed window is sent").isEmpty();
        assertThat(meters.get("numaflow.reducer.udf.errors").counter().count()).isEqualTo(1);
        assertThat(gauge("numaflow.reducer.groups.active")).as("the other streams' group").isEqualTo(1);

        List<ReduceResponse> other = healthy.closeAndAwait();
        assertThat(text(other.get(0))).isEqualTo("counter:1");
        assertThat(gauge("numaflow.reducer.groups.active")).isZero();

        // a second failure is reported on the wire, not persisted again
        aggregator.set(throwingIn(failing));
        assertThat(client.open().send(WINDOW, List.of("bad"), "v").send(WINDOW, List.of("bad"), "v").halfClose()
                .awaitStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
        try (Stream<Path> persisted = Files.list(dir.resolve("errors/udf"))) {
            assertThat(persisted.toList()).singleElement().satisfies(file -> {
                assertThat(file.getFileName().toString()).endsWith("-udf.json");
                assertThat(Files.readString(file)).contains("\"code\":\"INTERNAL\"")
                        .contains("\"message\":\"UDF_EXECUTION_ERROR(udf): " + expected + "\"");
            });
        }
        assertThat(meters.get("numaflow.reducer.udf.errors").counter().count()).isEqualTo(2);
        assertStillServes();
    }

    @Test
    void metersCountTheWorkAndGroupDurationRunsFromTheFirstDatumToTheResult() {
        long sentFirst = System.nanoTime();
        WindowStream stream = client.open();
        for (int i = 0; i < 12; i++) {
            stream.send(WINDOW, List.of("k" + (i % 3)), "v");
        }
        await().atMost(PATIENCE).until(() -> meter("numaflow.reducer.datums.received") == 12);
        assertThat(gauge("numaflow.reducer.groups.active")).isEqualTo(3);
        assertThat(gauge("numaflow.reducer.streams.active")).isEqualTo(1);
        // the groups stay open, without a thread, for as long as their window
        await().during(Duration.ofMillis(300)).atMost(PATIENCE)
                .until(() -> gauge("numaflow.reducer.groups.active") == 3);

        assertThat(stream.closeAndAwait()).hasSize(4);
        long sinceFirst = System.nanoTime() - sentFirst;

        assertThat(meter("numaflow.reducer.results.sent")).isEqualTo(3);
        assertThat(meter("numaflow.reducer.windows.completed")).isEqualTo(1);
        assertThat(gauge("numaflow.reducer.groups.active")).isZero();
        var duration = meters.get("numaflow.reducer.group.duration").timer();
        assertThat(duration.count()).isEqualTo(3);
        assertThat(duration.max(TimeUnit.NANOSECONDS)).isBetween((double) Duration.ofMillis(300).toNanos(),
                (double) sinceFirst);
        assertThat(meters.get("numaflow.reducer.window.close.to.eof").timer().count()).isEqualTo(1);
        await().atMost(PATIENCE).until(() -> gauge("numaflow.reducer.streams.active") == 0);
    }
}
