package io.numaflow.reducer.engine;

import static io.numaflow.reducer.wire.AccumulatorClient.keyedWindow;
import static io.numaflow.reducer.wire.AccumulatorClient.payload;
import static io.numaflow.reducer.wire.AccumulatorClient.request;
import static io.numaflow.reducer.wire.AccumulatorClient.text;
import static io.numaflow.reducer.wire.AccumulatorClient.timestamp;
import static io.numaflow.reducer.wire.RawReduceDriver.PATIENCE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.numaflow.reducer.Accumulator;
import io.numaflow.reducer.AccumulatorOutput;
import io.numaflow.reducer.Datum;
import io.numaflow.reducer.Message;
import io.numaflow.reducer.wire.AccumulatorClient;
import io.numaflow.reducer.wire.AccumulatorClient.KeyStream;
import io.numaflow.reducer.wire.Closer;
import io.numaflow.reducer.wire.UdsReduceServer;
import io.numaflow.reducer.wire.Unreachable;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.AccumulatorRequest;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.AccumulatorRequest.WindowOperation.Event;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.AccumulatorResponse;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.KeyedWindow;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.Payload;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The accumulator engine over a real Unix domain socket, driven the way the Numaflow platform drives it. */
class AccumulatorServiceTest {

    /** Sends every datum on at once, value and keys unchanged. */
    static final Accumulator FORWARD = (keys, datums, output) -> datums.forEach(output::forward);

    /**
     * Re-orders by event time: a datum goes out once a watermark has reached its event time (no older datum can
     * follow); what is still buffered when the key closes goes out in order then.
     */
    static final Accumulator SORTER = (keys, datums, output) -> {
        PriorityQueue<Datum> pending = new PriorityQueue<>(Comparator.comparing(Datum::eventTime));
        for (Datum datum : datums) {
            pending.add(datum);
            while (!pending.isEmpty() && !pending.peek().eventTime().isAfter(datum.watermark())) {
                output.forward(pending.poll());
            }
        }
        while (!pending.isEmpty()) {
            output.forward(pending.poll());
        }
    };

    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closeables = new Closer();
    private final EngineFaultsTest.CountingListener listener = new EngineFaultsTest.CountingListener();

    private AccumulatorClient serve(Accumulator accumulator) throws Exception {
        return serve(() -> accumulator);
    }

    private AccumulatorClient serve(Supplier<? extends Accumulator> accumulators) throws Exception {
        GroupExecutor executor = GroupExecutor.pooled(64, Duration.ofMillis(200));
        closeables.add(executor);
        AccumulatorService service = new AccumulatorService(accumulators, new EngineSettings(executor,
                new UdfErrorReporter("udf", dir.resolve("errors"), Clock.systemUTC()), listener));
        Path socket = dir.resolve("accumulator.sock");
        closeables.add(new UdsReduceServer(socket, service, 2, 4 * 1024 * 1024));
        AccumulatorClient client = new AccumulatorClient(socket);
        closeables.add(client);
        return client;
    }

    /** A whole key run on a fresh stream: the proof that the server still serves. */
    private static void assertStillServes(AccumulatorClient client) {
        KeyStream stream = client.open().datum(List.of("after"), "v", 1_000, 1_000, "after-1");
        KeyedWindow close = stream.closeKey(List.of("after"));
        List<AccumulatorResponse> responses = stream.closeAndAwait();
        assertThat(responses).hasSize(2);
        assertThat(text(responses.get(0))).isEqualTo("v");
        assertThat(responses.get(1).getEOF()).isTrue();
        assertThat(responses.get(1).getWindow()).isEqualTo(close);
    }

    private static List<AccumulatorResponse> outputsOf(List<AccumulatorResponse> responses, List<String> keys) {
        return responses.stream().filter(r -> !r.getEOF() && r.getWindow().getKeysList().equals(keys)).toList();
    }

    @Test
    void isReadyAnswersTrue() throws Exception {
        assertThat(serve(FORWARD).isReady()).isTrue();
    }

    @Test
    void anOutputCarriesItsSourceDatumsIdTimesAndHeadersAndTheMessagesValueKeysAndTags() throws Exception {
        AccumulatorClient client = serve((keys, datums, output) -> {
            for (Datum datum : datums) {
                output.send(datum, new Message(("seen " + new String(datum.value(), UTF_8)).getBytes(UTF_8),
                        List.of("out-" + keys.get(0)), List.of("even", "all")));
            }
        });
        KeyedWindow open = keyedWindow(timestamp(5_000), timestamp(15_000), "slot-7", List.of("k"));
        Payload datum = payload(List.of("k"), "one", 5_000, 4_000, "offset-1").toBuilder()
                .setEventTime(Timestamp.newBuilder().setSeconds(5).setNanos(123_456_789))
                .putHeaders("trace", "abc").build();
        KeyStream stream = client.open().send(request(Event.OPEN, open, datum));

        await().atMost(PATIENCE).until(() -> stream.responses().size() == 1);
        AccumulatorResponse output = stream.responses().get(0);
        assertThat(output.getEOF()).isFalse();
        assertThat(output.getPayload().getId()).isEqualTo("offset-1");
        assertThat(output.getPayload().getEventTime()).isEqualTo(datum.getEventTime());
        assertThat(output.getPayload().getWatermark()).isEqualTo(timestamp(4_000));
        assertThat(output.getPayload().getHeadersMap()).containsOnly(Map.entry("source", "offset-1"),
                Map.entry("trace", "abc"));
        assertThat(text(output)).isEqualTo("seen one");
        assertThat(output.getPayload().getKeysList()).containsExactly("out-k");
        assertThat(output.getTagsList()).containsExactly("even", "all");
        assertThat(output.getWindow()).isEqualTo(keyedWindow(Timestamp.getDefaultInstance(), timestamp(4_000),
                "slot-7", List.of("k")));
        stream.halfClose();
        assertThat(stream.awaitStatus().isOk()).isTrue();
    }

    @Test
    void theWindowEndIsTheHighestOutputWatermarkSoFarAndNeverMovesBack() throws Exception {
        AccumulatorClient client = serve(FORWARD);
        KeyStream stream = client.open()
                .datum(List.of("k"), "a", 1_000, 5_000, "1")
                .datum(List.of("k"), "b", 2_000, 3_000, "2") // a lower watermark than the output before
                .datum(List.of("k"), "c", 3_000, 8_000, "3");
        await().atMost(PATIENCE).until(() -> stream.responses().size() == 3);
        List<AccumulatorResponse> outputs = stream.responses();

        assertThat(outputs).extracting(r -> r.getPayload().getWatermark())
                .containsExactly(timestamp(5_000), timestamp(3_000), timestamp(8_000));
        assertThat(outputs).extracting(r -> r.getWindow().getEnd())
                .containsExactly(timestamp(5_000), timestamp(5_000), timestamp(8_000));
        assertThat(outputs).extracting(r -> r.getWindow().getStart()).containsOnly(Timestamp.getDefaultInstance());
        stream.halfClose();
        assertThat(stream.awaitStatus().isOk()).isTrue();
    }

    @Test
    void aHandlerSendingFromManyThreadsNeverMovesTheWindowEndBack() throws Exception {
        int perThread = 200;
        AccumulatorClient client = serve((keys, datums, output) -> {
            List<Datum> all = new ArrayList<>();
            datums.forEach(all::add);
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int first = t * perThread;
                Thread sender = new Thread(() -> all.subList(first, first + perThread).forEach(output::forward));
                sender.start();
                senders.add(sender);
            }
            for (Thread sender : senders) {
                sender.join();
            }
        });
        KeyStream stream = client.open();
        for (int i = 0; i < 4 * perThread; i++) {
            stream.datum(List.of("k"), "v" + i, i, i, "id-" + i);
        }
        stream.closeKey(List.of("k"));

        List<AccumulatorResponse> responses = stream.closeAndAwait();

        assertThat(responses).hasSize(4 * perThread + 1);
        List<Long> ends = responses.subList(0, 4 * perThread).stream()
                .map(r -> r.getWindow().getEnd().getSeconds() * 1_000 + r.getWindow().getEnd().getNanos() / 1_000_000)
                .toList();
        assertThat(ends).isSorted();
    }

    @Test
    void theEofEchoesTheCloseWindowVerbatimAfterTheKeysOutputs() throws Exception {
        AccumulatorClient client = serve(SORTER);
        KeyStream stream = client.open()
                .datum(List.of("k"), "late", 2_000, 0, "1")
                .datum(List.of("k"), "early", 1_000, 0, "2");
        KeyedWindow close = keyedWindow(timestamp(1_234), timestamp(99_999), "close-slot", List.of("k"));
        // As older platforms send it: a CLOSE with an empty payload, which is never data.
        stream.send(request(Event.CLOSE, close, Payload.getDefaultInstance()));

        await().atMost(PATIENCE).until(() -> stream.eofCount() == 1);
        List<AccumulatorResponse> responses = stream.responses();

        assertThat(responses).extracting(AccumulatorClient::text).containsExactly("early", "late", "");
        AccumulatorResponse eof = responses.get(2);
        assertThat(eof.getEOF()).isTrue();
        assertThat(eof.getWindow()).isEqualTo(close);
        assertThat(eof.hasPayload()).isFalse();
        stream.halfClose();
        assertThat(stream.awaitStatus().isOk()).as("nothing was left open").isTrue();
        assertThat(stream.responses()).hasSize(3);
    }

    @Test
    void aCloseForKeysThatAreNotOpenIsAnsweredAtOnceWithItsEof() throws Exception {
        AccumulatorClient client = serve(FORWARD);
        KeyedWindow close = keyedWindow(0, 10_000, List.of("never-opened"));
        KeyStream stream = client.open().send(request(Event.CLOSE, close, null));

        await().atMost(PATIENCE).until(() -> stream.eofCount() == 1);
        assertThat(stream.responses()).containsExactly(
                AccumulatorResponse.newBuilder().setWindow(close).setEOF(true).build());
        assertThat(stream.closeAndAwait()).hasSize(1);
    }

    @Test
    void aLaterOpenOfTheSameKeysGetsAFreshInstance() throws Exception {
        AtomicInteger instances = new AtomicInteger();
        AccumulatorClient client = serve(() -> {
            int instance = instances.incrementAndGet();
            AtomicInteger seen = new AtomicInteger();
            return (keys, datums, output) -> {
                for (Datum datum : datums) {
                    output.send(datum, Message.of((new String(datum.value(), UTF_8) + " instance " + instance
                            + " datum " + seen.incrementAndGet()).getBytes(UTF_8)));
                }
            };
        });
        KeyStream stream = client.open()
                .datum(List.of("k"), "first", 1_000, 1_000, "1")
                .datum(List.of("k"), "first", 2_000, 2_000, "2");
        KeyedWindow firstClose = stream.closeKey(List.of("k"));
        stream.datum(List.of("k"), "second", 30_000, 30_000, "3"); // right after the CLOSE, as the platform may
        KeyedWindow secondClose = stream.closeKey(List.of("k"));

        List<String> responses = stream.closeAndAwait().stream()
                .map(r -> r.getEOF() ? (r.getWindow().equals(firstClose) ? "first EOF"
                        : r.getWindow().equals(secondClose) ? "second EOF" : "unexpected EOF " + r) : text(r))
                .toList();

        // The two runs are independent tasks: their responses may interleave (and either may ask for its
        // instance first); each run's own stay in order, its EOF last.
        assertThat(responses).hasSize(5);
        List<String> first = responses.stream().filter(r -> r.startsWith("first")).toList();
        List<String> second = responses.stream().filter(r -> r.startsWith("second")).toList();
        String firstInstance = first.get(0).replaceAll(".*(instance \\d+).*", "$1");
        String secondInstance = second.get(0).replaceAll(".*(instance \\d+).*", "$1");
        assertThat(firstInstance).isNotEqualTo(secondInstance);
        assertThat(first).containsExactly("first " + firstInstance + " datum 1", "first " + firstInstance + " datum 2",
                "first EOF");
        assertThat(second).containsExactly("second " + secondInstance + " datum 1", "second EOF");
        assertThat(instances).hasValue(2);
    }

    @Test
    void anAppendForKeysThatAreNotOpenOpensThem() throws Exception {
        AccumulatorClient client = serve(FORWARD);
        KeyedWindow window = keyedWindow(timestamp(0), timestamp(10_000), "slot-3", List.of("k"));
        KeyStream stream = client.open()
                .send(request(Event.APPEND, window, payload(List.of("k"), "first", 500, 400, "1")))
                .send(request(Event.APPEND, window, payload(List.of("k"), "second", 600, 500, "2")))
                .send(request(Event.CLOSE, window, null));

        List<AccumulatorResponse> responses = stream.closeAndAwait();

        assertThat(responses).extracting(AccumulatorClient::text).containsExactly("first", "second", "");
        assertThat(responses.get(0).getWindow().getSlot()).isEqualTo("slot-3");
        assertThat(responses.get(2).getWindow()).isEqualTo(window);
    }

    @Test
    void theHalfCloseEndsEveryRunWithItsOutputsThenAnEofEachThenOk() throws Exception {
        AccumulatorClient client = serve(SORTER);
        KeyStream stream = client.open();
        for (String key : List.of("a", "b", "c")) {
            stream.datum(List.of(key), key + "2", 2_000, 0, key + "-2")
                    .datum(List.of(key), key + "1", 1_000, 700, key + "-1");
        }

        List<AccumulatorResponse> responses = stream.closeAndAwait();

        assertThat(responses).hasSize(9);
        for (String key : List.of("a", "b", "c")) {
            List<AccumulatorResponse> ofKey = responses.stream()
                    .filter(r -> r.getWindow().getKeysList().equals(List.of(key))).toList();
            assertThat(ofKey).extracting(r -> r.getEOF() ? "EOF" : text(r))
                    .containsExactly(key + "1", key + "2", "EOF");
            assertThat(ofKey.get(2).getWindow()).isEqualTo(keyedWindow(Timestamp.getDefaultInstance(),
                    timestamp(700), "slot-0", List.of(key)));
        }
    }

    static Stream<Arguments> platformMaximumTimes() {
        return Stream.of(
                // Numaflow's Go platform: time.Unix(0, math.MaxInt64), the last instant of an int64 of nanos.
                Arguments.of("Go time.Unix(0, MaxInt64)",
                        Timestamp.newBuilder().setSeconds(Long.MAX_VALUE / 1_000_000_000)
                                .setNanos((int) (Long.MAX_VALUE % 1_000_000_000)).build()),
                // Beyond protobuf's valid range (year 9999), which protobuf does not check on the wire.
                Arguments.of("int64 millis as seconds", Timestamp.newBuilder().setSeconds(Long.MAX_VALUE / 1_000).build()),
                Arguments.of("int64 seconds", Timestamp.newBuilder().setSeconds(Long.MAX_VALUE).setNanos(999_999_999)
                        .build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("platformMaximumTimes")
    void anOpenWindowEndingAtThePlatformsMaximumTimeIsAccepted(String name, Timestamp end) throws Exception {
        AccumulatorClient client = serve(FORWARD);
        KeyedWindow global = keyedWindow(Timestamp.getDefaultInstance(), end, "slot-0", List.of("k"));
        KeyStream stream = client.open()
                .send(request(Event.OPEN, global, payload(List.of("k"), "v", 1_000, 1_000, "1")))
                .send(request(Event.CLOSE, global, null));

        List<AccumulatorResponse> responses = stream.closeAndAwait();

        assertThat(responses).extracting(AccumulatorClient::text).containsExactly("v", "");
        assertThat(responses.get(1).getWindow()).isEqualTo(global);
    }

    @Test
    void twoThousandKeysEachComeOutSortedWithTheirEofLast() throws Exception {
        AccumulatorClient client = serve(SORTER);
        int keys = 2_000;
        KeyStream stream = client.open();
        Map<List<String>, KeyedWindow> closes = new HashMap<>();
        for (int round = 0; round < 3; round++) {
            for (int k = 0; k < keys; k++) {
                // event times 3000, 1000, 2000 per key; the last watermark releases 1000, the close the rest
                long eventTime = round == 0 ? 3_000 : round * 1_000;
                stream.datum(List.of("k" + k), "e" + eventTime, eventTime, 500L * round, "k" + k + "-" + round);
            }
        }
        for (int k = 0; k < keys; k++) {
            closes.put(List.of("k" + k), stream.closeKey(List.of("k" + k)));
        }

        List<AccumulatorResponse> responses = stream.closeAndAwait();

        assertThat(responses).hasSize(keys * 4);
        Map<List<String>, List<String>> byKey = new LinkedHashMap<>();
        for (AccumulatorResponse response : responses) {
            byKey.computeIfAbsent(response.getWindow().getKeysList(), k -> new ArrayList<>())
                    .add(response.getEOF() ? "EOF" : text(response));
            if (response.getEOF()) {
                assertThat(response.getWindow()).isEqualTo(closes.get(response.getWindow().getKeysList()));
            }
        }
        assertThat(byKey).hasSize(keys);
        assertThat(byKey.values()).allSatisfy(texts -> assertThat(texts).containsExactly("e1000", "e2000",
                "e3000", "EOF"));
    }

    @Test
    void theSorterReleasesShuffledDatumsInEventTimeOrderAsTheWatermarkPasses() throws Exception {
        AccumulatorClient client = serve(SORTER);
        int datums = 500;
        long lateness = 5_000;
        List<Long> eventTimes = new ArrayList<>();
        for (long t = 0; t < datums; t++) {
            eventTimes.add(t * 1_000);
        }
        Random random = new Random(42);
        for (int block = 0; block < datums; block += 5) { // out of order by up to 5 s, never more
            Collections.shuffle(eventTimes.subList(block, block + 5), random);
        }
        KeyStream stream = client.open();
        long watermark = 0;
        long maxSeen = 0;
        for (long eventTime : eventTimes) {
            maxSeen = Math.max(maxSeen, eventTime);
            watermark = Math.max(watermark, maxSeen - lateness); // what the platform promises: nothing older follows
            stream.datum(List.of("sensor"), Long.toString(eventTime), eventTime, watermark, "id-" + eventTime);
        }
        long released = watermark;
        long releasedCount = eventTimes.stream().filter(t -> t <= released).count();

        // Released by the watermark alone, before the key closes.
        await().atMost(PATIENCE).until(() -> stream.responses().size() == releasedCount);
        assertThat(releasedCount).isGreaterThan(datums - 10);
        stream.closeKey(List.of("sensor"));
        List<AccumulatorResponse> responses = stream.closeAndAwait();

        List<Long> order = outputsOf(responses, List.of("sensor")).stream().map(r -> Long.parseLong(text(r)))
                .toList();
        assertThat(order).hasSize(datums).isSorted().doesNotHaveDuplicates();
        assertThat(eventTimes).as("the input really was shuffled").isNotEqualTo(order);
        assertThat(responses.get(responses.size() - 1).getEOF()).isTrue();
    }

    @Test
    void aThrowingHandlerEndsTheStreamInternalInThePlatformsFormatAndTheServerServesTheNextStream()
            throws Exception {
        AccumulatorClient client = serve((keys, datums, output) -> {
            if (keys.contains("bad")) {
                datums.iterator().next();
                throw new IllegalStateException("boom in " + keys);
            }
            FORWARD.accumulate(keys, datums, output);
        });
        KeyStream stream = client.open().datum(List.of("good"), "v", 1, 1, "1").datum(List.of("bad"), "v", 1, 1, "2");

        Status status = stream.awaitStatus();

        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription())
                .isEqualTo("UDF_EXECUTION_ERROR(udf): java.lang.IllegalStateException: boom in [bad]");
        assertThat(listener.udfErrors).hasValue(1);
        assertStillServes(client);
    }

    static Stream<Arguments> malformedRequests() {
        AccumulatorRequest valid = request(Event.OPEN, keyedWindow(0, 10_000, List.of("k")),
                payload(List.of("k"), "v", 1, 1, "1"));
        AccumulatorRequest.WindowOperation.Builder operation = valid.getOperation().toBuilder();
        return Stream.of(
                Arguments.of("no keyed window",
                        valid.toBuilder().setOperation(operation.clone().clearKeyedWindow()).build(),
                        "OPEN request has no keyed window"),
                Arguments.of("no operation at all", valid.toBuilder().clearOperation().build(),
                        "OPEN request has no keyed window"),
                Arguments.of("CLOSE without keyed window",
                        valid.toBuilder().setOperation(operation.clone().setEvent(Event.CLOSE).clearKeyedWindow())
                                .clearPayload().build(),
                        "CLOSE request has no keyed window"),
                Arguments.of("OPEN without payload", valid.toBuilder().clearPayload().build(),
                        "OPEN request has no payload"),
                Arguments.of("APPEND without payload",
                        valid.toBuilder().setOperation(operation.clone().setEvent(Event.APPEND)).clearPayload().build(),
                        "APPEND request has no payload"),
                Arguments.of("unknown event",
                        valid.toBuilder().setOperation(operation.clone().setEventValue(7)).build(),
                        "unknown window operation event 7: expected OPEN (0), CLOSE (1) or APPEND (2)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedRequests")
    void aMalformedRequestEndsTheStreamWithInvalidArgument(String name, AccumulatorRequest bad, String message)
            throws Exception {
        AccumulatorClient client = serve(FORWARD);
        KeyStream stream = client.open().datum(List.of("open"), "v", 1, 1, "1").send(bad);

        Status status = stream.awaitStatus();

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).isEqualTo(message);
        assertThat(listener.malformed).hasValue(1);
        assertStillServes(client);
    }

    @Test
    void aCancelStopsEveryRunAndTheirThreadsEnd() throws Exception {
        Set<Thread> before = ReducerThreads.now();
        CountDownLatch started = new CountDownLatch(10);
        CountDownLatch ended = new CountDownLatch(10);
        AccumulatorClient client = serve((keys, datums, output) -> {
            started.countDown();
            try {
                FORWARD.accumulate(keys, datums, output); // until the key closes or the stream ends
            } finally {
                ended.countDown();
            }
        });
        KeyStream stream = client.open();
        for (int k = 0; k < 10; k++) {
            stream.datum(List.of("k" + k), "v", 1, 1, "id-" + k);
        }
        assertThat(started.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(ReducerThreads.since(before)).hasSize(10);

        stream.cancel();

        assertThat(ended.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("every handler saw the end").isTrue();
        assertThat(stream.awaitStatus().getCode()).isEqualTo(Status.Code.CANCELLED);
        await().atMost(PATIENCE).untilAtomic(listener.closed, org.hamcrest.Matchers.equalTo(1));
        await().atMost(PATIENCE).until(() -> ReducerThreads.since(before).isEmpty());
        assertStillServes(client);
    }

    @Test
    void aClosedRunLeavesNothingBehindWhileTheStreamStaysOpen() throws Exception {
        Unreachable ofTheRun = new Unreachable();
        AccumulatorClient client = serve((keys, datums, output) ->
                FORWARD.accumulate(keys, ofTheRun.track(datums), ofTheRun.track(output)));
        KeyStream stream = client.open().datum(List.of("k"), "v", 1, 1, "1");
        stream.closeKey(List.of("k"));
        await().atMost(PATIENCE).until(() -> stream.eofCount() == 1);

        ofTheRun.awaitAllCollected();
        assertThat(stream.status()).as("the stream is still open").isNotDone();
        stream.halfClose();
        assertThat(stream.awaitStatus().isOk()).isTrue();
    }

    @Test
    void sendingOrForwardingNullFailsAtTheCallWithAClearMessageAndTheHandlerCarriesOn() throws Exception {
        List<Throwable> refused = new CopyOnWriteArrayList<>();
        AccumulatorClient client = serve((keys, datums, output) -> {
            for (Datum datum : datums) {
                refused.add(catchThrowable(() -> output.send(datum, null)));
                refused.add(catchThrowable(() -> output.send(null, Message.of(datum.value(), keys))));
                refused.add(catchThrowable(() -> output.forward(null)));
                output.forward(datum);
            }
        });
        KeyStream stream = client.open().datum(List.of("k"), "v", 1, 1, "1");
        stream.closeKey(List.of("k"));

        List<AccumulatorResponse> responses = stream.closeAndAwait();

        assertThat(refused).allSatisfy(e -> assertThat(e).isInstanceOf(NullPointerException.class))
                .extracting(Throwable::getMessage)
                .containsExactly("message must not be null", "source must not be null", "datum must not be null");
        assertThat(responses).extracting(AccumulatorResponse::getEOF).containsExactly(false, true);
        assertThat(text(responses.get(0))).isEqualTo("v");
    }

    @Test
    void sendingAfterTheHandlerReturnedThrowsIllegalStateException() throws Exception {
        AtomicReference<AccumulatorOutput> kept = new AtomicReference<>();
        AtomicReference<Datum> keptDatum = new AtomicReference<>();
        AccumulatorClient client = serve((keys, datums, output) -> {
            kept.set(output);
            datums.forEach(keptDatum::set);
        });
        KeyStream stream = client.open().datum(List.of("k"), "v", 1, 1, "1");
        stream.closeKey(List.of("k"));
        assertThat(stream.closeAndAwait()).hasSize(1);

        assertThatThrownBy(() -> kept.get().forward(keptDatum.get()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the handler has returned: its output is closed");
    }

    @Test
    void sendingAfterTheStreamEndedThrowsIllegalStateException() throws Exception {
        AtomicReference<Throwable> sendAfterEnd = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch tried = new CountDownLatch(1);
        AccumulatorClient client = serve((keys, datums, output) -> {
            Datum first = null;
            for (Datum datum : datums) {
                first = datum;
                started.countDown();
            }
            try { // iteration ended because the stream was cancelled
                output.forward(first);
            } catch (RuntimeException e) {
                sendAfterEnd.set(e);
            } finally {
                tried.countDown();
            }
        });
        KeyStream stream = client.open().datum(List.of("k"), "v", 1, 1, "1");
        assertThat(started.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();

        stream.cancel();

        assertThat(tried.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(sendAfterEnd.get()).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the stream has ended");
    }
}
