package io.numaflow.reducer.test;

import static io.numaflow.reducer.test.Udfs.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.numaflow.reducer.IntervalWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client assigns timestamped datums to windows and closes them by watermark, as the platform does. */
class EventTimeWindowingTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    static Instant at(int seconds) {
        return T0.plusSeconds(seconds);
    }

    static IntervalWindow window(int fromSeconds, int toSeconds) {
        return new IntervalWindow(at(fromSeconds), at(toSeconds));
    }

    @Test
    void fixedWindowsAreEpochAlignedAndCloseWhenTheWatermarkReachesTheirEnd() {
        try (ReduceClient platform = ReduceClient.serve(Udfs.counter())) {
            WindowedResults results = platform.eventTime(WindowKind.fixed(Duration.ofSeconds(60)))
                    .send(List.of("a"), bytes("1"), at(5))
                    .send(List.of("a"), bytes("2"), at(59))
                    .send(List.of("b"), bytes("3"), at(61))
                    .send(List.of("a"), bytes("4"), at(60))
                    .watermark(at(60)) // closes [0, 60)
                    .send(List.of("a"), bytes("late"), at(30)) // its only window is closed
                    .send(List.of("a"), bytes("5"), at(119))
                    .close();

            assertThat(results.windows()).extracting(ClosedWindow::window)
                    .containsExactly(window(0, 60), window(60, 120));
            assertThat(results.windows().get(0).messages(List.of("a"))).extracting(Udfs::text).containsExactly("2");
            assertThat(results.windows().get(1).messages(List.of("a"))).extracting(Udfs::text).containsExactly("2");
            assertThat(results.windows().get(1).messages(List.of("b"))).extracting(Udfs::text).containsExactly("1");
            assertThat(results.late()).extracting(datum -> Udfs.text(datum)).containsExactly("late");
            assertThat(results.late().get(0).watermark()).isEqualTo(at(60));
        }
    }

    @Test
    void aDatumIsInEverySlidingWindowThatCoversIt() {
        try (ReduceClient platform = ReduceClient.serve(Udfs.counter())) {
            WindowedResults results = platform.eventTime(WindowKind.sliding(Duration.ofSeconds(30), Duration.ofSeconds(10)))
                    .send(List.of("k"), bytes("1"), at(25)) // [0,30) [10,40) [20,50)
                    .send(List.of("k"), bytes("2"), at(35)) // [10,40) [20,50) [30,60)
                    .close();

            assertThat(results.windows()).extracting(ClosedWindow::window)
                    .containsExactly(window(0, 30), window(10, 40), window(20, 50), window(30, 60));
            assertThat(results.windows()).extracting(closed -> Udfs.text(closed.messages().get(0)))
                    .containsExactly("1", "2", "2", "1");
        }
    }

    @Test
    void sessionsGrowByGapAndSessionsThatCameToOverlapAreMergedBeforeTheyClose() {
        try (ReduceClient platform = ReduceClient.serve(Udfs.SessionCounter::new)) {
            WindowedResults results = platform.eventTime(WindowKind.session(Duration.ofSeconds(10)))
                    .send(List.of("k"), bytes("1"), at(0)) // opens [0, 10]
                    .send(List.of("k"), bytes("2"), at(18)) // opens [18, 28]
                    .send(List.of("k"), bytes("3"), at(9)) // expands [0, 10] to [0, 19], now overlapping [18, 28]
                    .send(List.of("j"), bytes("4"), at(40)) // another key: [40, 50]
                    .watermark(at(30)) // [0, 19] and [18, 28] end: merged into [0, 28], then closed
                    .send(List.of("k"), bytes("late"), at(5))
                    .close();

            assertThat(results.windows()).hasSize(2);
            ClosedWindow merged = results.windows().get(0);
            assertThat(merged.window()).isEqualTo(window(0, 28));
            assertThat(merged.keys()).containsExactly("k");
            assertThat(merged.messages()).extracting(Udfs::text).containsExactly("3");
            assertThat(results.windows().get(1).window()).isEqualTo(window(40, 50));
            assertThat(results.late()).extracting(datum -> Udfs.text(datum)).containsExactly("late");
        }
    }

    @Test
    void aClosingSessionThatOverlapsAnOpenOneIsMergedIntoItInsteadOfClosing() {
        try (ReduceClient platform = ReduceClient.serve(Udfs.SessionCounter::new)) {
            WindowedResults results = platform.eventTime(WindowKind.session(Duration.ofSeconds(10)))
                    .send(List.of("k"), bytes("1"), at(0)) // [0, 10]
                    .send(List.of("k"), bytes("2"), at(15)) // [15, 25]
                    .send(List.of("k"), bytes("3"), at(5)) // expands [0, 10] to [0, 15]: touches [15, 25]
                    .watermark(at(20)) // [0, 15] ends, but [15, 25] is open: merged into [0, 25]
                    .close();

            assertThat(results.windows()).extracting(ClosedWindow::window).containsExactly(window(0, 25));
            assertThat(results.windows().get(0).messages()).extracting(Udfs::text).containsExactly("3");
        }
    }

    @Test
    void anAccumulatorRunClosesOnceItsKeysWereIdleForTheTimeout() {
        try (ReduceClient platform = ReduceClient.serve(Udfs.forwarder())) {
            WindowedResults results = platform.eventTime(WindowKind.accumulator(Duration.ofSeconds(10)))
                    .send(List.of("k"), bytes("1"), at(0))
                    .send(List.of("k"), bytes("2"), at(5))
                    .send(List.of("j"), bytes("3"), at(12))
                    .watermark(at(16)) // k: 16 > 5 + 10 -> closed; j: 16 < 12 + 10 -> open
                    .send(List.of("k"), bytes("4"), at(17)) // a new run of k
                    .close();

            assertThat(results.windows()).extracting(ClosedWindow::keys)
                    .containsExactly(List.of("k"), List.of("j"), List.of("k"));
            assertThat(results.windows().get(0).window()).isEqualTo(window(0, 10)); // the EOF echoes the run's window
            assertThat(results.windows().get(0).messages()).extracting(Udfs::text).containsExactly("1", "2");
            assertThat(results.messages()).extracting(Udfs::text).containsExactlyInAnyOrder("1", "2", "3", "4");
            assertThat(results.late()).isEmpty();
        }
    }

    @Test
    void theWatermarkNeverMovesBack() {
        try (ReduceClient platform = ReduceClient.serve(Udfs.counter())) {
            EventTimeDriver driver = platform.eventTime(WindowKind.fixed(Duration.ofSeconds(1))).watermark(at(10));

            assertThatThrownBy(() -> driver.watermark(at(9))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the watermark never moves back: 2026-01-01T00:00:09Z is before 2026-01-01T00:00:10Z");
        }
    }
}
