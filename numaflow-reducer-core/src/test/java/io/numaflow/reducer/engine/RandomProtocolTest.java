package io.numaflow.reducer.engine;

import static io.numaflow.reducer.wire.RawReduceDriver.PATIENCE;
import static io.numaflow.reducer.wire.RawReduceDriver.request;
import static io.numaflow.reducer.wire.RawReduceDriver.text;
import static io.numaflow.reducer.wire.RawReduceDriver.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.numaflow.reducer.Datum;
import io.numaflow.reducer.Message;
import io.numaflow.reducer.Messages;
import io.numaflow.reducer.Reducer;
import io.numaflow.reducer.wire.RawReduceDriver;
import io.numaflow.reducer.wire.RawReduceDriver.WindowStream;
import io.numaflow.reducer.wire.UdsReduceServer;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest.WindowOperation.Event;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.Window;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random sequences of valid and invalid requests, cancels and half-closes over the real socket. A
 * client-side model says how each stream may end; the server must never die, every stream must end, and a
 * stream that ends OK must carry exactly the model's counts and one EOF per window after its results.
 * A failing seed replays exactly: add it to the list.
 */
class RandomProtocolTest {

    static final int MAX_MESSAGE = 64 * 1024;
    static final List<String> KEYS = List.of("a", "b", "c", "early", "boom");
    static final List<Window> WINDOWS = List.of(window(0, 1000), window(1000, 2000), window(2000, 3000));

    /** Counts, except: "early" stops after 2 datums, "boom" throws at its 3rd. */
    static final Reducer REDUCER = (keys, datums, md) -> {
        long n = 0;
        for (Datum ignored : datums) {
            n++;
            if (keys.contains("early") && n == 2) {
                break;
            }
            if (keys.contains("boom") && n == 3) {
                throw new IllegalStateException("boom");
            }
        }
        return Messages.of(Message.of(Long.toString(n).getBytes(StandardCharsets.UTF_8), keys));
    };

    @TempDir
    Path dir;

    enum Fault { MALFORMED, OVERSIZE }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 7, 42, 2026, 31337})
    void theServerSurvivesAnySequenceAndEveryStreamEndsAsTheModelAllows(long seed) throws Exception {
        Random random = new Random(seed);
        EngineFaultsTest.CountingListener listener = new EngineFaultsTest.CountingListener();
        try (GroupExecutor executor = GroupExecutor.pooled(16, Duration.ofMillis(200));
                UdsReduceServer server = new UdsReduceServer(dir.resolve("random.sock"),
                        ReduceService.reducer(() -> REDUCER, new EngineSettings(executor,
                                new UdfErrorReporter("udf", dir.resolve("errors"), Clock.systemUTC()), listener)),
                        1 + random.nextInt(3), MAX_MESSAGE);
                RawReduceDriver client = new RawReduceDriver(dir.resolve("random.sock"))) {
            for (int batch = 0; batch < 6; batch++) {
                List<Run> runs = new ArrayList<>();
                for (int s = 0; s < 8; s++) {
                    runs.add(new Run(client.open(), random));
                }
                runs.forEach(Run::play);
                for (Run run : runs) {
                    run.check();
                }
            }
            await().atMost(PATIENCE).until(() -> listener.opened.get() == listener.closed.get());
            assertThat(client.isReady()).isTrue();
            List<ReduceResponse> after = client.open().send(WINDOWS.get(0), List.of("a"), "v").closeAndAwait();
            assertThat(text(after.get(0))).isEqualTo("1");
        }
    }

    /** One random stream and what the model allows it to end with. */
    static final class Run {
        private final WindowStream stream;
        private final Random random;
        private final Map<Window, Map<String, Integer>> sent = new HashMap<>();
        private final Set<Fault> faults = EnumSet.noneOf(Fault.class);
        private boolean cancelled;
        private boolean halfClosed;

        Run(WindowStream stream, Random random) {
            this.stream = stream;
            this.random = random;
        }

        void play() {
            int requests = random.nextInt(40);
            for (int i = 0; i < requests && faults.isEmpty(); i++) {
                int dice = random.nextInt(100);
                Window window = WINDOWS.get(random.nextInt(WINDOWS.size()));
                String key = KEYS.get(random.nextInt(KEYS.size()));
                if (dice < 85) {
                    stream.send(window, List.of(key), "v" + i);
                    sent.computeIfAbsent(window, w -> new HashMap<>()).merge(key, 1, Integer::sum);
                } else if (dice < 90) {
                    stream.send(ReduceRequest.newBuilder().setOperation(ReduceRequest.WindowOperation.newBuilder()
                            .setEvent(Event.CLOSE).addWindows(window)).build());
                } else if (dice < 97) {
                    stream.send(malformed(window, key));
                    faults.add(Fault.MALFORMED);
                } else {
                    stream.send(request(Event.APPEND, window, List.of(key),
                            ByteString.copyFrom(new byte[MAX_MESSAGE + 1])));
                    faults.add(Fault.OVERSIZE);
                }
            }
            int end = random.nextInt(10);
            if (end < 7) {
                stream.halfClose();
                halfClosed = true;
            } else if (end < 9) {
                stream.cancel();
                cancelled = true;
            } else {
                stream.halfClose();
                halfClosed = true;
                stream.cancel();
                cancelled = true;
            }
        }

        private ReduceRequest malformed(Window window, String key) {
            ReduceRequest valid = request(Event.APPEND, window, List.of(key), "v");
            return switch (random.nextInt(4)) {
                case 0 -> valid.toBuilder().setOperation(valid.getOperation().toBuilder().clearWindows()).build();
                case 1 -> valid.toBuilder().setOperation(valid.getOperation().toBuilder().addWindows(window)).build();
                case 2 -> valid.toBuilder().clearPayload().build();
                default -> valid.toBuilder().setOperation(valid.getOperation().toBuilder().setEventValue(9)).build();
            };
        }

        void check() {
            Status status = stream.awaitStatus();
            boolean boom = sent.values().stream().anyMatch(keys -> keys.getOrDefault("boom", 0) >= 3);
            Set<Status.Code> allowed = EnumSet.noneOf(Status.Code.class);
            if (cancelled) {
                allowed.add(Status.Code.CANCELLED);
            }
            if (faults.contains(Fault.MALFORMED)) {
                allowed.add(Status.Code.INVALID_ARGUMENT);
            }
            if (faults.contains(Fault.OVERSIZE)) {
                allowed.add(Status.Code.RESOURCE_EXHAUSTED);
            }
            if (boom) {
                allowed.add(Status.Code.INTERNAL);
            }
            if (allowed.isEmpty() || (halfClosed && cancelled && faults.isEmpty() && !boom)) {
                allowed.add(Status.Code.OK); // a cancel after the half-close may come after the results
            }
            assertThat(allowed).as("stream ended %s", status).contains(status.getCode());
            if (status.isOk()) {
                checkResults();
            }
        }

        private void checkResults() {
            List<ReduceResponse> responses = stream.responses();
            Map<Window, Map<String, String>> results = new HashMap<>();
            Set<Window> ended = new java.util.HashSet<>();
            for (ReduceResponse response : responses) {
                assertThat(ended).as("nothing after a window's EOF").doesNotContain(response.getWindow());
                if (response.getEOF()) {
                    ended.add(response.getWindow());
                } else {
                    results.computeIfAbsent(response.getWindow(), w -> new HashMap<>())
                            .put(response.getResult().getKeys(0), text(response));
                }
            }
            assertThat(ended).isEqualTo(sent.keySet());
            sent.forEach((window, counts) -> {
                Map<String, String> expected = new HashMap<>();
                counts.forEach((key, n) -> expected.put(key, Integer.toString(key.equals("early") ? Math.min(n, 2) : n)));
                assertThat(results.getOrDefault(window, Map.of())).isEqualTo(expected);
            });
        }
    }
}
