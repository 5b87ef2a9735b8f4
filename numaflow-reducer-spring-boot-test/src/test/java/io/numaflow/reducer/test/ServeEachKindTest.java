package io.numaflow.reducer.test;

import static io.numaflow.reducer.test.Udfs.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.numaflow.reducer.Datum;
import io.numaflow.reducer.IntervalWindow;
import io.numaflow.reducer.Message;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A plain JUnit test around a bean instance, no Spring: each kind served by the real engine on a real socket. */
class ServeEachKindTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void aReducerAnswersEachGroupOfAWindow() {
        try (ReduceClient platform = ReduceClient.serve(Udfs.counter())) {
            WindowResult result = platform.window(T0, Duration.ofMinutes(1))
                    .send(List.of("a"), bytes("1"))
                    .send(List.of("b"), bytes("1"))
                    .send(List.of("a"), bytes("2"))
                    .close();

            assertThat(result.window()).isEqualTo(new IntervalWindow(T0, T0.plusSeconds(60)));
            assertThat(result.messages(List.of("a"))).extracting(Udfs::text).containsExactly("2");
            assertThat(result.messages(List.of("b"))).extracting(Udfs::text).containsExactly("1");
            assertThat(result.messages()).hasSize(2);
            assertThat(platform.socket().toString().length()).isLessThanOrEqualTo(107);

            // the same client and server serve the next window
            assertThat(platform.window(T0.plusSeconds(60), Duration.ofMinutes(1)).send(List.of("a"), bytes("x"))
                    .close().messages()).extracting(Udfs::text).containsExactly("1");
        }
    }

    @Test
    void anAggregatorFoldsEachGroupAndAnswersWhenItsWindowCloses() {
        try (ReduceClient platform = ReduceClient.serve(Udfs.summer())) {
            WindowResult result = platform.window(T0, Duration.ofMinutes(1))
                    .send(List.of("a"), bytes("10"))
                    .send(List.of("b"), bytes("5"))
                    .send(List.of("a"), bytes("32"))
                    .close();

            assertThat(result.window()).isEqualTo(new IntervalWindow(T0, T0.plusSeconds(60)));
            assertThat(result.messages(List.of("a"))).extracting(Udfs::text).containsExactly("2/42");
            assertThat(result.messages(List.of("b"))).extracting(Udfs::text).containsExactly("1/5");
            assertThat(result.messages()).hasSize(2);

            // every group starts from a fresh state: the next window of "a" knows nothing of this one
            assertThat(platform.window(T0.plusSeconds(60), Duration.ofMinutes(1)).send(List.of("a"), bytes("7"))
                    .close().messages()).extracting(Udfs::text).containsExactly("1/7");
        }
    }

    @Test
    void aStreamersResultsArriveBeforeTheWindowCloses() {
        try (ReduceClient platform = ReduceClient.serve(Udfs.upperCaseEcho())) {
            AlignedWindow window = platform.window(T0, Duration.ofMinutes(1))
                    .send(List.of("k"), bytes("one"))
                    .send(List.of("k"), bytes("two"));

            assertThat(window.awaitResults(2)).extracting(Udfs::text).containsExactly("ONE", "TWO");

            WindowResult result = window.send(List.of("k"), bytes("three")).close();
            assertThat(result.messages(List.of("k"))).extracting(Udfs::text).containsExactly("ONE", "TWO", "THREE");
        }
    }

    @Test
    void sessionsOpenAppendExpandMergeAndCloseOverOneStream() {
        try (ReduceClient platform = ReduceClient.serve(Udfs.SessionCounter::new)) {
            SessionWindow a = SessionWindow.of(T0, T0.plusSeconds(10), "k");
            SessionWindow aGrown = SessionWindow.of(T0, T0.plusSeconds(20), "k");
            SessionWindow b = SessionWindow.of(T0.plusSeconds(15), T0.plusSeconds(25), "k");
            SessionWindow other = SessionWindow.of(T0, T0.plusSeconds(10), "other");

            SessionStream sessions = platform.sessions()
                    .open(a, bytes("1"))
                    .append(a, bytes("2"))
                    .expand(a, aGrown, bytes("3"))
                    .open(b, bytes("4"))
                    .open(other, bytes("5"));
            SessionWindow merged = sessions.merge(aGrown, b);
            sessions.append(merged, bytes("6")).close(other);
            SessionResults results = sessions.finish();

            assertThat(merged).isEqualTo(SessionWindow.of(T0, T0.plusSeconds(25), "k"));
            assertThat(results.sessions()).containsExactly(other, merged);
            assertThat(results.messages(other)).extracting(Udfs::text).containsExactly("1");
            assertThat(results.messages(merged)).extracting(Udfs::text).containsExactly("5");
        }
    }

    @Test
    void accumulatorOutputsCarryTheirSourceDatumAndEveryRunEndsWithAnEof() {
        try (ReduceClient platform = ReduceClient.serve(Udfs.forwarder())) {
            AccumulatorResults results = platform.accumulator()
                    .append(List.of("k"), bytes("1"), T0)
                    .append(new Datum(List.of("k"), bytes("2"), T0.plusSeconds(2), T0.plusSeconds(1),
                            Map.of("h", "v"), "my-id"))
                    .append(List.of("j"), bytes("3"), T0.plusSeconds(3))
                    .close(List.of("k"))
                    .append(List.of("k"), bytes("4"), T0.plusSeconds(4)) // a new run of k
                    .finish();

            // the two runs of k have handlers of their own: their outputs interleave in any order
            assertThat(results.outputs(List.of("k"))).extracting(output -> Udfs.text(output.message()))
                    .containsExactlyInAnyOrder("1", "2", "4");
            AccumulatedMessage second = results.outputs().stream().filter(o -> o.id().equals("my-id")).findFirst()
                    .orElseThrow();
            assertThat(second.eventTime()).isEqualTo(T0.plusSeconds(2));
            assertThat(second.watermark()).isEqualTo(T0.plusSeconds(1));
            assertThat(second.headers()).containsEntry("h", "v");
            assertThat(results.runs()).hasSize(3);
            assertThat(results.runs().get(0).keys()).containsExactly("k");
            assertThat(results.runs().get(0).messages()).extracting(Udfs::text).containsExactly("1", "2");
            assertThat(results.runs().get(0).window()).isEqualTo(new IntervalWindow(T0, T0.plusSeconds(60)));
        }
    }

    @Test
    void messagesKeepTheirTags() {
        try (ReduceClient platform = ReduceClient.serve((keys, datums, metadata) -> {
            datums.forEach(ignored -> { });
            return io.numaflow.reducer.Messages.of(new Message(bytes("x"), keys, List.of("even")), Message.toDrop());
        })) {
            WindowResult result = platform.window(T0, Duration.ofSeconds(1)).send(List.of("k"), bytes("1")).close();

            assertThat(result.messages()).containsExactlyInAnyOrder(new Message(bytes("x"), List.of("k"), List.of("even")),
                    Message.toDrop());
        }
    }
}
