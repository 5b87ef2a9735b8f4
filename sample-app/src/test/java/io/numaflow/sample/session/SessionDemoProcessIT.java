package io.numaflow.sample.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.numaflow.sample.DemoProcess;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session demo as a user runs it ({@code --spring.profiles.active=demo --sample.style=session}), as a
 * process: the simulated platform plays the visits, every result is right, and the app exits by itself.
 */
class SessionDemoProcessIT {

    @TempDir
    Path dir;

    @Test
    void theSessionDemoPlaysTheVisitsChecksThemAndExitsCleanly() throws Exception {
        String output = DemoProcess.run(dir, "session", "sessionreduce.sock", "sessionreducer-server-info");

        assertThat(output).contains(
                "visit of ann [2026-01-01T00:00:00Z, 2026-01-01T00:00:40Z): clicks:3 pages:home>shoes>cart",
                "visit of bob [2026-01-01T00:00:00Z, 2026-01-01T00:01:10Z): clicks:3 pages:home>search>help",
                "visit of cy [2026-01-01T00:01:00Z, 2026-01-01T00:01:30Z): clicks:1 pages:home",
                "Session simulator: every visit is right. Stopping.")
                .doesNotContain("Platform simulator");
    }
}
