package io.numaflow.sample.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = dir.resolve("demo.log");
        Process app = new ProcessBuilder(java, "-jar", System.getProperty("sample.jar"),
                "--spring.profiles.active=demo", "--sample.style=session",
                "--numaflow.reducer.socket-path=" + dir.resolve("sessionreduce.sock"),
                "--numaflow.reducer.server-info-file=" + dir.resolve("sessionreducer-server-info"),
                "--numaflow.reducer.error-dir=" + dir.resolve("errors"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            // Generous: a JVM start on a loaded build machine can take a minute.
            assertThat(app.waitFor(3, TimeUnit.MINUTES)).as("the demo exits by itself").isTrue();
            String output = Files.readString(log);
            assertThat(app.exitValue()).as(output).isZero();
            assertThat(output).contains(
                    "visit of ann [2026-01-01T00:00:00Z, 2026-01-01T00:00:40Z): clicks:3 pages:home>shoes>cart",
                    "visit of bob [2026-01-01T00:00:00Z, 2026-01-01T00:01:10Z): clicks:3 pages:home>search>help",
                    "visit of cy [2026-01-01T00:01:00Z, 2026-01-01T00:01:30Z): clicks:1 pages:home",
                    "Session simulator: every visit is right. Stopping.")
                    .doesNotContain("Platform simulator");
            assertThat(dir.resolve("sessionreduce.sock")).doesNotExist();
        } finally {
            app.destroyForcibly();
        }
    }
}
