package io.numaflow.sample.session;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.numaflow.reducer.Message;
import io.numaflow.reducer.autoconfigure.NumaflowReducerProperties;
import io.numaflow.reducer.autoconfigure.UdfKind;
import io.numaflow.reducer.test.ReduceClient;
import io.numaflow.reducer.test.SessionResults;
import io.numaflow.reducer.test.SessionStream;
import io.numaflow.reducer.test.SessionWindow;
import io.numaflow.sample.DemoPlatform;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * The {@code demo} profile with {@code sample.style=session}: plays the platform of a session vertex (30 s
 * timeout) against {@link ClicksPerVisit}, with the test kit's {@link ReduceClient}. One long-lived
 * {@code SessionReduceFn} stream carries three users' visits: ann's grows as clicks come in (EXPAND), bob's two
 * visits are joined by a late click (EXPAND, then the MERGE when the first one times out), cy's is still open
 * when the stream ends (the half-close closes it). It prints each visit's result, checks them, and stops the
 * application (exit status 1 if a result was wrong or the UDF broke the protocol).
 */
@Component
@Profile("demo")
@ConditionalOnProperty(name = "sample.style", havingValue = "session")
class SessionPlatformSimulator implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(SessionPlatformSimulator.class);
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final NumaflowReducerProperties properties;
    private final ConfigurableApplicationContext context;

    SessionPlatformSimulator(NumaflowReducerProperties properties, ConfigurableApplicationContext context) {
        this.properties = properties;
        this.context = context;
    }

    @Override
    public void run(ApplicationArguments args) throws Exception {
        boolean allCorrect = DemoPlatform.play(properties, UdfKind.SESSION_REDUCER,
                platform -> playVisits(platform.sessions()));
        log.info(allCorrect ? "Session simulator: every visit is right. Stopping." : "Session simulator: WRONG VISITS");
        DemoPlatform.exit(context, allCorrect);
    }

    private static boolean playVisits(SessionStream sessions) {
        SessionWindow ann = window(0, 30, "ann");
        SessionWindow annGrown = window(0, 40, "ann");
        SessionWindow bobFirst = window(0, 30, "bob");
        SessionWindow bobFirstGrown = window(0, 50, "bob");
        SessionWindow bobSecond = window(40, 70, "bob");
        SessionWindow cy = window(60, 90, "cy");
        sessions.open(ann, click("home"))
                .expand(ann, annGrown, click("shoes"))            // ann's visit now lasts until 0:40
                .append(annGrown, click("cart"))
                .open(bobFirst, click("home"))
                .open(bobSecond, click("help"))                   // 40 s after: a visit of its own
                .expand(bobFirst, bobFirstGrown, click("search")) // late: it now overlaps the second
                .open(cy, click("home"))
                .close(annGrown);                                 // the watermark passed 0:40
        SessionWindow bobJoined = sessions.merge(bobFirstGrown, bobSecond); // ... and 0:50
        SessionResults results = sessions.close(bobJoined).finish();       // ... and 1:10; cy ends with the stream

        Map<SessionWindow, String> expected = new LinkedHashMap<>();
        expected.put(annGrown, "clicks:3 pages:home>shoes>cart");
        expected.put(window(0, 70, "bob"), "clicks:3 pages:home>search>help");
        expected.put(cy, "clicks:1 pages:home");
        Map<SessionWindow, String> actual = new LinkedHashMap<>();
        for (SessionWindow visit : results.sessions()) {
            List<Message> messages = results.messages(visit);
            String result = messages.isEmpty() ? "nothing" : new String(messages.get(messages.size() - 1).value(), UTF_8);
            log.info("visit of {} [{}, {}): {}", String.join(",", visit.keys()), visit.start(), visit.end(), result);
            actual.put(visit, result);
        }
        return bobJoined.equals(window(0, 70, "bob")) && actual.equals(expected);
    }

    private static SessionWindow window(int startSecond, int endSecond, String user) {
        return SessionWindow.of(T0.plusSeconds(startSecond), T0.plusSeconds(endSecond), user);
    }

    private static byte[] click(String page) {
        return page.getBytes(UTF_8);
    }
}
