package io.numaflow.reducer.engine;

import static io.numaflow.reducer.wire.RawReduceDriver.PATIENCE;
import static io.numaflow.reducer.wire.SessionCall.text;
import static io.numaflow.reducer.wire.SessionCall.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.numaflow.reducer.Datum;
import io.numaflow.reducer.Output;
import io.numaflow.reducer.SessionReducer;
import io.numaflow.reducer.wire.SessionCall;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.KeyedWindow;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.SessionReduceRequest.WindowOperation.Event;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.SessionReduceResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The session protocol of SPEC section 7.2 over a real Unix socket, driven as the platform drives it. */
class SessionReduceServiceTest {

    @TempDir
    Path dir;

    private SessionFixture fixture;

    @AfterEach
    void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    private SessionFixture serve(Supplier<? extends SessionReducer> reducers) throws Exception {
        fixture = new SessionFixture(dir, reducers);
        return fixture;
    }

    /** The results of each window, in order, and the windows of the EOFs, in order. */
    private record Sent(Map<KeyedWindow, List<String>> results, List<KeyedWindow> eofs) {
        static Sent of(List<SessionReduceResponse> responses) {
            Map<KeyedWindow, List<String>> results = new HashMap<>();
            List<KeyedWindow> eofs = new ArrayList<>();
            for (SessionReduceResponse response : responses) {
                assertThat(response.hasKeyedWindow()).as("every response carries its window").isTrue();
                if (response.getEOF()) {
                    assertThat(eofs).as("one EOF per session").doesNotContain(response.getKeyedWindow());
                    eofs.add(response.getKeyedWindow());
                } else {
                    assertThat(eofs).as("no result after its session's EOF").doesNotContain(response.getKeyedWindow());
                    results.computeIfAbsent(response.getKeyedWindow(), w -> new ArrayList<>()).add(text(response));
                }
            }
            return new Sent(results, eofs);
        }
    }

    @Test
    void isReadyAnswersTrue() throws Exception {
        assertThat(SessionCall.isReady(serve(SessionFixture.Concat::new).client().channel())).isTrue();
    }

    @Test
    void sessionsOfSeveralKeysOpenAppendAndCloseInOneStream() throws Exception {
        KeyedWindow a = window(0, 60_000, "a");
        KeyedWindow b = window(0, 60_000, "b");
        KeyedWindow c = window(30_000, 90_000, "c", "x");
        SessionCall call = serve(SessionFixture.Concat::new).call()
                .open(a, "a1").open(b, "b1").append(a, "a2").open(c, "c1").append(b, "b2").append(a, "a3");
        call.close(a);
        await().atMost(PATIENCE).until(() -> call.responses().size() == 2);
        assertThat(call.responses()).extracting(SessionReduceResponse::getEOF).containsExactly(false, true);
        assertThat(call.responses().get(0).getKeyedWindow()).isEqualTo(a);
        assertThat(text(call.responses().get(0))).isEqualTo("a1,a2,a3");
        assertThat(call.responses().get(0).getResult().getKeysList()).containsExactly("a");

        call.append(c, "c2").close(b, c);
        List<SessionReduceResponse> responses = call.closeAndAwait();

        Sent sent = Sent.of(responses);
        assertThat(sent.eofs()).containsExactlyInAnyOrder(a, b, c);
        assertThat(sent.results()).containsOnly(Map.entry(a, List.of("a1,a2,a3")), Map.entry(b, List.of("b1,b2")),
                Map.entry(c, List.of("c1,c2")));
    }

    @Test
    void datumsReachTheHandlerWithTheirFieldsAndAnAppendOfAnUnknownSessionOpensIt() throws Exception {
        List<Datum> seen = new CopyOnWriteArrayList<>();
        serve(() -> new SessionFixture.Concat() {
            @Override
            public void sessionReduce(List<String> keys, Iterable<Datum> datums, Output output) {
                datums.forEach(seen::add);
            }
        });
        KeyedWindow w = window(60_000, 120_000, "k");

        List<SessionReduceResponse> responses = fixture.call().append(w, "first").append(w, "second").close(w)
                .closeAndAwait();

        assertThat(responses).singleElement().satisfies(eof -> {
            assertThat(eof.getEOF()).isTrue();
            assertThat(eof.getKeyedWindow()).isEqualTo(w);
        });
        assertThat(seen).extracting(d -> new String(d.value(), StandardCharsets.UTF_8)).containsExactly("first", "second");
        assertThat(seen.get(0).keys()).containsExactly("k");
        assertThat(seen.get(0).eventTime()).isEqualTo(Instant.ofEpochSecond(60));
        assertThat(seen.get(0).watermark()).isEqualTo(Instant.ofEpochSecond(60));
        assertThat(seen.get(0).headers()).containsEntry("h", "v");
        assertThat(seen.get(0).id()).isEmpty();
    }

    @Test
    void anExpandedSessionsLaterResultsAndEofCarryTheNewWindow() throws Exception {
        KeyedWindow before = window(0, 60_000, "k");
        KeyedWindow after = window(0, 75_000, "k");
        SessionCall call = serve(SessionFixture.Echo::new).call().open(before, "1");
        await().atMost(PATIENCE).until(() -> call.responses().size() == 1);

        call.expand(before, after, "2").append(after, "3").close(after);
        List<SessionReduceResponse> responses = call.closeAndAwait();

        assertThat(responses).hasSize(4);
        assertThat(responses).extracting(SessionReduceResponse::getKeyedWindow)
                .containsExactly(before, after, after, after);
        assertThat(responses.subList(0, 3)).extracting(SessionCall::text)
                .containsExactly("echo:1", "echo:2", "echo:3");
        assertThat(responses.get(3).getEOF()).isTrue();
    }

    @Test
    void twoSessionsMergeTheirStateInRequestOrderAndLaterDatumsReachTheMergedOne() throws Exception {
        AtomicInteger instances = new AtomicInteger();
        KeyedWindow early = window(0, 60_000, "k");
        KeyedWindow late = window(50_000, 110_000, "k");
        KeyedWindow merged = window(0, 110_000, "k");
        SessionCall call = serve(() -> {
            instances.incrementAndGet();
            return new SessionFixture.Concat();
        }).call().open(early, "e1").append(early, "e2").open(late, "l1");

        call.merge(late, early).append(merged, "m1").close(merged);
        List<SessionReduceResponse> responses = call.closeAndAwait();

        assertThat(responses).hasSize(2);
        assertThat(responses.get(0).getKeyedWindow()).isEqualTo(merged);
        assertThat(text(responses.get(0))).as("late's state first: the MERGE listed it first")
                .isEqualTo("l1,e1,e2,m1");
        assertThat(responses.get(1).getEOF()).isTrue();
        assertThat(responses.get(1).getKeyedWindow()).isEqualTo(merged);
        assertThat(instances).as("a new instance for the merged session").hasValue(3);
    }

    @Test
    void threeSessionsMergeIntoOneAndTheMergedAwaySendNothing() throws Exception {
        KeyedWindow one = window(0, 10_000, "k");
        KeyedWindow two = window(5_000, 20_000, "k");
        KeyedWindow three = window(18_000, 40_000, "k");
        KeyedWindow other = window(0, 10_000, "other");
        KeyedWindow merged = window(0, 40_000, "k");
        SessionCall call = serve(SessionFixture.Concat::new).call()
                .open(one, "1").open(two, "2").open(three, "3").open(other, "o").append(two, "2b");

        call.merge(one, two, three).append(merged, "4").close(merged, other);
        Sent sent = Sent.of(call.closeAndAwait());

        assertThat(sent.results()).containsOnly(Map.entry(merged, List.of("1,2,2b,3,4")), Map.entry(other, List.of("o")));
        assertThat(sent.eofs()).containsExactlyInAnyOrder(merged, other);
    }

    @Test
    void theMergeTargetThePlatformListsLastIsAcceptedAndMergesMayChain() throws Exception {
        // The platform's MERGE names the closing session, the active one and the window they become.
        KeyedWindow closing = window(0, 18_000, "k");
        KeyedWindow active = window(15_000, 25_000, "k");
        KeyedWindow merged = window(0, 25_000, "k");
        KeyedWindow later = window(24_000, 40_000, "k");
        KeyedWindow all = window(0, 40_000, "k");
        SessionCall call = serve(SessionFixture.Concat::new).call().open(closing, "c").open(active, "a");

        call.merge(closing, active, merged).append(merged, "m").open(later, "l").merge(merged, later, all);
        Sent sent = Sent.of(call.closeAndAwait());

        assertThat(sent.results()).containsOnly(Map.entry(all, List.of("c,a,m,l")));
        assertThat(sent.eofs()).containsExactly(all);
    }

    @Test
    void aMergeThatCarriesAPayloadGivesItToTheMergedSession() throws Exception {
        // The platform sends MERGE without a payload; the SDKs pass one, if any, to the merged session.
        KeyedWindow a = window(0, 10_000, "k");
        KeyedWindow b = window(8_000, 20_000, "k");
        KeyedWindow merged = window(0, 20_000, "k");
        SessionCall call = serve(SessionFixture.Concat::new).call().open(a, "a").open(b, "b");

        call.send(SessionCall.request(Event.MERGE, "with-merge", a, b));
        Sent sent = Sent.of(call.closeAndAwait());

        assertThat(sent.results()).containsOnly(Map.entry(merged, List.of("a,b,with-merge")));
    }

    @Test
    void theHalfCloseClosesEverySessionStillOpenThenTheStreamCompletes() throws Exception {
        KeyedWindow a = window(0, 60_000, "a");
        KeyedWindow b = window(0, 60_000, "b");
        KeyedWindow c = window(60_000, 120_000, "a");
        SessionCall call = serve(SessionFixture.Concat::new).call().open(a, "1").open(b, "2").open(c, "3").append(c, "4");

        List<SessionReduceResponse> responses = call.closeAndAwait();

        Sent sent = Sent.of(responses);
        assertThat(sent.results()).containsOnly(Map.entry(a, List.of("1")), Map.entry(b, List.of("2")),
                Map.entry(c, List.of("3,4")));
        assertThat(sent.eofs()).containsExactlyInAnyOrder(a, b, c);
        assertThat(responses).hasSize(6);
    }

    @Test
    void aCloseOfAnUnknownWindowIsIgnored() throws Exception {
        KeyedWindow open = window(0, 60_000, "k");
        List<SessionReduceResponse> responses = serve(SessionFixture.Concat::new).call()
                .open(open, "1").close(window(0, 60_000, "nobody"), window(1, 2, "k")).closeAndAwait();

        assertThat(Sent.of(responses).eofs()).containsExactly(open);
    }

    @Test
    void aThousandSessionsInOneStream() throws Exception {
        SessionCall call = serve(SessionFixture.Concat::new).call();
        List<KeyedWindow> windows = new ArrayList<>();
        for (int s = 0; s < 1000; s++) {
            KeyedWindow w = window(s * 1000L, s * 1000L + 60_000, "user-" + (s % 100));
            windows.add(w);
            call.open(w, "s" + s);
        }
        for (int s = 0; s < 1000; s++) {
            call.append(windows.get(s), "t" + s);
            if (s % 2 == 0) {
                call.close(windows.get(s)); // half of them by CLOSE, the rest by the half-close
            }
        }

        Sent sent = Sent.of(call.closeAndAwait());

        assertThat(sent.eofs()).hasSize(1000).containsExactlyInAnyOrderElementsOf(windows);
        assertThat(sent.results()).hasSize(1000);
        for (int s = 0; s < 1000; s++) {
            assertThat(sent.results().get(windows.get(s))).containsExactly("s" + s + ",t" + s);
        }
        await().atMost(PATIENCE).until(() -> fixture.groups.open() == 0);
    }

    @Test
    void eachSessionGetsAFreshInstance() throws Exception {
        List<SessionReducer> created = new CopyOnWriteArrayList<>();
        SessionCall call = serve(() -> {
            SessionReducer fresh = new SessionFixture.Concat();
            created.add(fresh);
            return fresh;
        }).call();
        for (int s = 0; s < 5; s++) {
            call.open(window(0, 1000, "k" + s), "v");
        }
        assertThat(call.closeAndAwait()).hasSize(10);
        assertThat(created).hasSize(5).doesNotHaveDuplicates();
    }

    @Test
    void sendingNullFailsAtTheCallWithAClearMessageAndTheHandlerCarriesOn() throws Exception {
        List<Throwable> refused = new CopyOnWriteArrayList<>();
        serve(() -> new SessionFixture.Concat() {
            @Override
            public void sessionReduce(List<String> keys, Iterable<Datum> datums, Output output) throws Exception {
                refused.add(catchThrowable(() -> output.send(null)));
                super.sessionReduce(keys, datums, output);
            }
        });
        KeyedWindow w = window(0, 60_000, "k");

        List<SessionReduceResponse> responses = fixture.call().open(w, "a").close(w).closeAndAwait();

        assertThat(refused).hasSize(1);
        assertThat(refused.get(0)).isInstanceOf(NullPointerException.class).hasMessage("message must not be null");
        assertThat(responses).extracting(SessionReduceResponse::getEOF).containsExactly(false, true);
        assertThat(text(responses.get(0))).isEqualTo("a");
    }
}
