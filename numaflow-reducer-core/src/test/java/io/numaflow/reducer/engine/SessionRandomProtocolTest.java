package io.numaflow.reducer.engine;

import static io.numaflow.reducer.wire.SessionCall.text;
import static io.numaflow.reducer.wire.SessionCall.window;
import static org.assertj.core.api.Assertions.assertThat;

import io.numaflow.reducer.wire.SessionCall;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.KeyedWindow;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.SessionReduceResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random valid sequences of OPEN, APPEND, EXPAND, MERGE and CLOSE on one stream, seeded so that a failure
 * replays, checked against a model of what the platform must receive: for every session that ends (by CLOSE
 * or the half-close) exactly one result, the values it and the sessions merged into it received, in order,
 * under its final window, then its EOF; nothing for a session merged away.
 */
class SessionRandomProtocolTest {

    private static final List<String> KEYS = List.of("alice", "bob", "carol");

    @TempDir
    Path dir;

    /** What the model knows of an open session. */
    private record Session(KeyedWindow window, List<String> values) {
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 7, 42, 2026, 31337})
    void randomSessionEventsMatchTheModel(long seed) throws Exception {
        Random random = new Random(seed);
        try (SessionFixture fixture = new SessionFixture(dir, SessionFixture.Concat::new)) {
            SessionCall call = fixture.call();
            Map<KeyedWindow, Session> open = new LinkedHashMap<>();
            Set<KeyedWindow> used = new HashSet<>(); // never reuse a window: each EOF then names one session
            List<Map.Entry<KeyedWindow, String>> expectedResults = new ArrayList<>();
            int value = 0;
            int expands = 0;
            int merges = 0;
            for (int step = 0; step < 300; step++) {
                int op = random.nextInt(10);
                List<Session> sessions = new ArrayList<>(open.values());
                if (sessions.isEmpty() || op < 2) { // OPEN, or APPEND of an unknown session (it opens)
                    KeyedWindow w = freshWindow(random, used);
                    String v = "v" + value++;
                    if (random.nextBoolean()) {
                        call.open(w, v);
                    } else {
                        call.append(w, v);
                    }
                    open.put(w, new Session(w, new ArrayList<>(List.of(v))));
                } else if (op < 5) { // APPEND
                    Session s = sessions.get(random.nextInt(sessions.size()));
                    String v = "v" + value++;
                    call.append(s.window(), v);
                    s.values().add(v);
                } else if (op < 7) { // EXPAND
                    Session s = sessions.get(random.nextInt(sessions.size()));
                    KeyedWindow grown = grow(s.window(), random);
                    if (used.add(grown)) {
                        String v = "v" + value++;
                        call.expand(s.window(), grown, v);
                        expands++;
                        open.remove(s.window());
                        s.values().add(v);
                        open.put(grown, new Session(grown, s.values()));
                    }
                } else if (op < 8) { // MERGE of two or three sessions of one key
                    String key = KEYS.get(random.nextInt(KEYS.size()));
                    List<Session> ofKey = new ArrayList<>(sessions.stream()
                            .filter(s -> s.window().getKeys(0).equals(key)).toList());
                    if (ofKey.size() >= 2) {
                        java.util.Collections.shuffle(ofKey, random);
                        List<Session> merging = ofKey.subList(0, Math.min(ofKey.size(), 2 + random.nextInt(2)));
                        KeyedWindow target = union(merging);
                        boolean targetIsOneOfThem = merging.stream().anyMatch(s -> s.window().equals(target));
                        if (targetIsOneOfThem || used.add(target)) {
                            List<KeyedWindow> listed = new ArrayList<>(merging.stream().map(Session::window).toList());
                            if (random.nextBoolean() && !targetIsOneOfThem) {
                                listed.add(target); // as the platform does: the target last
                            }
                            call.merge(listed.toArray(KeyedWindow[]::new));
                            merges++;
                            List<String> state = new ArrayList<>();
                            merging.forEach(s -> {
                                open.remove(s.window());
                                state.addAll(s.values());
                            });
                            open.put(target, new Session(target, state));
                        }
                    }
                } else { // CLOSE one or two sessions, sometimes with an unknown window among them
                    List<KeyedWindow> closing = new ArrayList<>();
                    for (int n = 0; n < 1 + random.nextInt(2); n++) {
                        Session s = sessions.get(random.nextInt(sessions.size()));
                        if (!closing.contains(s.window())) {
                            closing.add(s.window());
                        }
                    }
                    if (random.nextInt(4) == 0) {
                        closing.add(window(999_000_000, 999_000_001, "nobody"));
                    }
                    call.close(closing.toArray(KeyedWindow[]::new));
                    for (KeyedWindow w : closing) {
                        Session s = open.remove(w);
                        if (s != null) {
                            expectedResults.add(Map.entry(w, String.join(",", s.values())));
                        }
                    }
                }
            }
            assertThat(expands).as("the sequence exercises EXPAND").isPositive();
            assertThat(merges).as("the sequence exercises MERGE").isPositive();
            open.values().forEach(s -> expectedResults.add(Map.entry(s.window(), String.join(",", s.values()))));

            List<SessionReduceResponse> responses = call.closeAndAwait();

            List<Map.Entry<KeyedWindow, String>> results = new ArrayList<>();
            List<KeyedWindow> eofs = new ArrayList<>();
            Map<KeyedWindow, Integer> resultPosition = new HashMap<>();
            for (int i = 0; i < responses.size(); i++) {
                SessionReduceResponse response = responses.get(i);
                if (response.getEOF()) {
                    eofs.add(response.getKeyedWindow());
                    assertThat(resultPosition.get(response.getKeyedWindow())).as("its result came before its EOF")
                            .isNotNull().isLessThan(i);
                } else {
                    results.add(Map.entry(response.getKeyedWindow(), text(response)));
                    resultPosition.put(response.getKeyedWindow(), i);
                }
            }
            assertThat(results).containsExactlyInAnyOrderElementsOf(expectedResults);
            assertThat(eofs).containsExactlyInAnyOrderElementsOf(expectedResults.stream().map(Map.Entry::getKey).toList());
        }
    }

    private static KeyedWindow freshWindow(Random random, Set<KeyedWindow> used) {
        while (true) {
            long start = random.nextInt(1000) * 1000L;
            KeyedWindow w = window(start, start + 10_000 + random.nextInt(50) * 1000L,
                    KEYS.get(random.nextInt(KEYS.size())));
            if (used.add(w)) {
                return w;
            }
        }
    }

    /** The window a datum just past either end stretches it to. */
    private static KeyedWindow grow(KeyedWindow w, Random random) {
        long start = millis(w.getStart()) - (random.nextBoolean() ? random.nextInt(5) * 1000L : 0);
        long end = millis(w.getEnd()) + 1000L + random.nextInt(5) * 1000L;
        return window(start, end, w.getKeysList().toArray(String[]::new));
    }

    private static KeyedWindow union(List<Session> sessions) {
        long start = sessions.stream().mapToLong(s -> millis(s.window().getStart())).min().orElseThrow();
        long end = sessions.stream().mapToLong(s -> millis(s.window().getEnd())).max().orElseThrow();
        return window(start, end, sessions.get(0).window().getKeysList().toArray(String[]::new));
    }

    private static long millis(com.google.protobuf.Timestamp t) {
        return t.getSeconds() * 1000 + t.getNanos() / 1_000_000;
    }
}
