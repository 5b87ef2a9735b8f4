package io.numaflow.sample.session;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.numaflow.reducer.Message;
import io.numaflow.reducer.Reducer;
import io.numaflow.reducer.SessionReducer;
import io.numaflow.reducer.test.AutoConfigureReduceClient;
import io.numaflow.reducer.test.ReduceClient;
import io.numaflow.reducer.test.SessionResults;
import io.numaflow.reducer.test.SessionStream;
import io.numaflow.reducer.test.SessionWindow;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;

/** The sample app with {@code sample.style=session}: clicks per visit over the real socket, as a session vertex. */
@SpringBootTest(properties = {"sample.style=session", "server.port=0"})
@AutoConfigureReduceClient
class ClicksPerVisitApplicationTest {

    @Autowired
    ApplicationContext context;

    @Autowired
    ReduceClient platform;

    @Test
    void visitsAreCountedExpandedAndMergedAsThePlatformDrivesThem() {
        assertThat(context.getBeanNamesForType(SessionReducer.class)).containsExactly("clicksPerVisit");
        assertThat(context.getBeanNamesForType(Reducer.class)).isEmpty();

        SessionWindow ann = session(0, 30, "ann");
        SessionWindow annGrown = session(0, 40, "ann");
        SessionWindow bobFirst = session(0, 30, "bob");
        SessionWindow bobSecond = session(40, 70, "bob");
        SessionStream sessions = platform.sessions()
                .open(ann, bytes("home")).expand(ann, annGrown, bytes("shoes")).append(annGrown, bytes("cart"))
                .open(bobFirst, bytes("home")).open(bobSecond, bytes("help"));
        SessionWindow bobJoined = sessions.merge(bobFirst, bobSecond);
        SessionResults results = sessions.close(annGrown).append(bobJoined, bytes("pay")).finish();

        assertThat(bobJoined).isEqualTo(session(0, 70, "bob"));
        assertThat(results.sessions()).containsExactly(annGrown, bobJoined);
        assertThat(results.messages(annGrown)).extracting(ClicksPerVisitApplicationTest::text)
                .containsExactly("clicks:3 pages:home>shoes>cart");
        assertThat(results.messages(bobJoined)).extracting(ClicksPerVisitApplicationTest::text)
                .containsExactly("clicks:3 pages:home>help>pay");
    }

    private static SessionWindow session(long startSeconds, long endSeconds, String user) {
        return SessionWindow.of(Instant.ofEpochSecond(startSeconds), Instant.ofEpochSecond(endSeconds), user);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }

    private static String text(Message message) {
        return new String(message.value(), UTF_8);
    }
}
