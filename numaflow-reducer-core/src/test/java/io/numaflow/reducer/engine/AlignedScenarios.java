package io.numaflow.reducer.engine;

import static io.numaflow.reducer.wire.RawReduceDriver.request;
import static io.numaflow.reducer.wire.RawReduceDriver.text;
import static io.numaflow.reducer.wire.RawReduceDriver.window;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.numaflow.reducer.Datum;
import io.numaflow.reducer.Metadata;
import io.numaflow.reducer.wire.RawReduceDriver;
import io.numaflow.reducer.wire.RawReduceDriver.WindowStream;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest.WindowOperation.Event;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.Window;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Streams every {@code reduce.v1} kind must answer alike, so that a {@code Reducer} and an {@code Aggregator}
 * run the same scenarios. Unless a scenario says otherwise, the server's UDF counts each group
 * ({@code counter:<n>}, with the group's keys).
 */
final class AlignedScenarios {

    private AlignedScenarios() {
    }

    /** Result texts by the result's joined keys; asserts every response is a result carrying {@code window}. */
    static Map<String, String> resultsByKey(List<ReduceResponse> responses, Window window) {
        Map<String, String> results = new HashMap<>();
        for (ReduceResponse response : responses) {
            assertThat(response.getEOF()).isFalse();
            assertThat(response.getWindow()).isEqualTo(window);
            results.put(String.join(",", response.getResult().getKeysList()), text(response));
        }
        return results;
    }

    /**
     * Thirty datums {@code v0..v29} of three interleaved keys ({@code k0..k2}) in a window with a slot: three
     * results then one EOF, each with the window echoed.
     *
     * @return the results' texts by key
     */
    static Map<String, String> threeInterleavedKeys(RawReduceDriver client) {
        Window window = window(60_000, 120_000, "slot-7");
        WindowStream stream = client.open();
        for (int i = 0; i < 30; i++) {
            stream.send(window, List.of("k" + (i % 3)), "v" + i);
        }
        List<ReduceResponse> responses = stream.closeAndAwait();

        assertThat(responses).hasSize(4);
        assertThat(responses.get(3).getEOF()).isTrue();
        assertThat(responses.get(3).getWindow()).isEqualTo(window);
        return resultsByKey(responses.subList(0, 3), window);
    }

    /** Three windows interleaved in one stream: each gets its two groups' results, then its own EOF. */
    static void threeWindowsInOneStream(RawReduceDriver client) {
        List<Window> windows = List.of(window(0, 60_000, "a"), window(60_000, 120_000, "b"),
                window(120_000, 180_000, "c"));
        WindowStream stream = client.open();
        for (int i = 0; i < 60; i++) {
            stream.send(windows.get(i % 3), List.of("k" + (i % 2)), "v");
        }
        List<ReduceResponse> responses = stream.closeAndAwait();

        assertThat(responses).hasSize(9);
        for (Window window : windows) {
            List<ReduceResponse> ofWindow = responses.stream().filter(r -> r.getWindow().equals(window)).toList();
            assertThat(ofWindow).hasSize(3);
            assertThat(ofWindow.get(2).getEOF()).as("one EOF, after the window's results").isTrue();
            assertThat(resultsByKey(ofWindow.subList(0, 2), window))
                    .containsOnly(Map.entry("k0", "counter:10"), Map.entry("k1", "counter:10"));
        }
    }

    /** Twenty streams open at once, each its own window of five groups. */
    static void twentyConcurrentStreams(RawReduceDriver client) {
        List<WindowStream> streams = IntStream.range(0, 20).mapToObj(s -> client.open()).toList();
        for (int i = 0; i < 50; i++) {
            for (int s = 0; s < 20; s++) {
                streams.get(s).send(window(s * 1000L, s * 1000L + 1000), List.of("k" + (i % 5)), "v");
            }
        }
        streams.forEach(WindowStream::halfClose);
        for (int s = 0; s < 20; s++) {
            Window window = window(s * 1000L, s * 1000L + 1000);
            assertThat(streams.get(s).awaitStatus().isOk()).isTrue();
            List<ReduceResponse> responses = streams.get(s).responses();
            assertThat(responses).hasSize(6);
            assertThat(responses.get(5).getEOF()).isTrue();
            assertThat(resultsByKey(responses.subList(0, 5), window).values()).containsOnly("counter:10");
        }
    }

    /** A window of 10,000 groups of two datums each: meant for a server with one transport thread. */
    static void tenThousandKeys(RawReduceDriver client) {
        Window window = window(0, 60_000);
        WindowStream stream = client.open();
        for (int key = 0; key < 10_000; key++) {
            stream.send(window, List.of("key-" + key), "a");
            stream.send(window, List.of("key-" + key), "b");
        }
        List<ReduceResponse> responses = stream.closeAndAwait();

        assertThat(responses).hasSize(10_001);
        assertThat(responses.get(10_000).getEOF()).isTrue();
        Map<String, String> results = resultsByKey(responses.subList(0, 10_000), window);
        assertThat(results).hasSize(10_000).containsEntry("key-9999", "counter:2");
        assertThat(results.values()).containsOnly("counter:2");
    }

    /**
     * A request one byte over the server's limit: gRPC refuses it and ends the stream; the caller then checks
     * the connection still serves.
     */
    static void oversizeIsResourceExhausted(RawReduceDriver client, int maxMessage) {
        Window window = window(0, 60_000);
        ByteString huge = ByteString.copyFrom(new byte[maxMessage + 1]);
        WindowStream stream = client.open().send(window, List.of("k"), "v")
                .send(request(Event.APPEND, window, List.of("k"), huge));

        Status status = stream.awaitStatus();

        assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(status.getDescription()).contains("exceeds maximum");
    }

    /**
     * Three datums of group {@code a} of window [60 s, 120 s), the third without event time and watermark, to a
     * UDF that records what it is given and returns nothing: then checks what it recorded.
     *
     * @param seen the datums the UDF was given, once the window has closed
     * @param metadata the window the UDF was given
     */
    static void datumsArriveInOrderWithTheirFields(RawReduceDriver client, Supplier<List<Datum>> seen,
            Supplier<Metadata> metadata) {
        Window window = window(60_000, 120_000);
        ReduceRequest withoutTimes = request(Event.APPEND, window, List.of("a"), "third").toBuilder()
                .setPayload(request(Event.APPEND, window, List.of("a"), "third").getPayload().toBuilder()
                        .clearEventTime().clearWatermark())
                .build();
        List<ReduceResponse> responses = client.open()
                .send(window, List.of("a"), "first").send(window, List.of("a"), "second").send(withoutTimes)
                .closeAndAwait();

        assertThat(responses).singleElement().satisfies(eof -> {
            assertThat(eof.getEOF()).isTrue();
            assertThat(eof.getWindow()).isEqualTo(window);
        });
        assertThat(seen.get()).extracting(d -> new String(d.value(), UTF_8))
                .containsExactly("first", "second", "third");
        Datum first = seen.get().get(0);
        assertThat(first.keys()).containsExactly("a");
        assertThat(first.eventTime()).isEqualTo(Instant.ofEpochSecond(60));
        assertThat(first.watermark()).isEqualTo(Instant.ofEpochSecond(60));
        assertThat(first.headers()).containsEntry("h", "v");
        assertThat(seen.get().get(2).eventTime()).isEqualTo(Instant.EPOCH);
        assertThat(seen.get().get(2).watermark()).isEqualTo(Instant.EPOCH);
        assertThat(metadata.get().intervalWindow().start()).isEqualTo(Instant.ofEpochSecond(60));
        assertThat(metadata.get().intervalWindow().end()).isEqualTo(Instant.ofEpochSecond(120));
    }

    /** A valid request, then {@code bad}: the stream ends {@code INVALID_ARGUMENT} with {@code message}. */
    static void malformedIsInvalidArgument(RawReduceDriver client, ReduceRequest bad, String message) {
        WindowStream stream = client.open().send(window(0, 60_000), List.of("k"), "v").send(bad);

        Status status = stream.awaitStatus();

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).isEqualTo(message);
    }
}
