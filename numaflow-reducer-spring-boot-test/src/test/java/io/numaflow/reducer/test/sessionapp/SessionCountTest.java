package io.numaflow.reducer.test.sessionapp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.numaflow.reducer.Message;
import io.numaflow.reducer.test.AutoConfigureReduceClient;
import io.numaflow.reducer.test.ReduceClient;
import io.numaflow.reducer.test.SessionResults;
import io.numaflow.reducer.test.SessionWindow;
import io.numaflow.reducer.test.WindowKind;
import io.numaflow.reducer.test.WindowedResults;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/** The annotation serves whichever kind the application declares: here a SessionReducer bean. */
@SpringBootTest
@AutoConfigureReduceClient
class SessionCountTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Autowired
    ReduceClient platform;

    @Test
    void countsASessionOverTheSessionStream() {
        SessionWindow session = SessionWindow.of(T0, T0.plusSeconds(10), "user-1");
        SessionResults results = platform.sessions()
                .open(session, "click".getBytes(UTF_8))
                .append(session, "click".getBytes(UTF_8))
                .close(session)
                .finish();

        assertThat(results.messages(session)).extracting(Message::value).containsExactly("2".getBytes(UTF_8));
    }

    @Test
    void countsSessionsByEventTime() {
        WindowedResults results = platform.eventTime(WindowKind.session(Duration.ofSeconds(30)))
                .send(List.of("user-1"), "click".getBytes(UTF_8), T0)
                .send(List.of("user-1"), "click".getBytes(UTF_8), T0.plusSeconds(20))
                .send(List.of("user-1"), "click".getBytes(UTF_8), T0.plusSeconds(120)) // a new session
                .close();

        assertThat(results.windows()).extracting(window -> new String(window.messages().get(0).value(), UTF_8))
                .containsExactly("2", "1");
    }
}
