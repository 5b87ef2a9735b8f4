package io.numaflow.sample;

import static io.numaflow.reducer.wire.RawReduceDriver.PATIENCE;
import static io.numaflow.reducer.wire.RawReduceDriver.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.numaflow.reducer.wire.RawReduceDriver;
import io.numaflow.reducer.wire.RawReduceDriver.WindowStream;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.Window;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged sample app as the platform runs it: a separate JVM that gets SIGTERM while a window is in
 * flight. The window still gets its results and EOF, the process exits cleanly and leaves no files behind.
 */
class SampleAppProcessIT {

    @TempDir
    Path dir;

    @Test
    void sigtermDrainsTheInFlightWindowThenExitsAndRemovesItsFiles() throws Exception {
        Path socket = dir.resolve("reduce.sock");
        Path serverInfo = dir.resolve("reducer-server-info");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process app = new ProcessBuilder(java, "-jar", System.getProperty("sample.jar"),
                "--numaflow.reducer.socket-path=" + socket, "--numaflow.reducer.server-info-file=" + serverInfo,
                "--numaflow.reducer.error-dir=" + dir.resolve("errors"), "--server.port=0",
                "--numaflow.reducer.shutdown-grace-period=30s")
                .redirectErrorStream(true).redirectOutput(dir.resolve("app.log").toFile()).start();
        try {
            await().atMost(PATIENCE).until(() -> Files.exists(serverInfo)
                    && Files.readString(serverInfo).endsWith("U+005C__END__"));
            try (RawReduceDriver client = new RawReduceDriver(socket)) {
                Window window = window(0, 60_000);
                WindowStream inFlight = client.open();
                for (int i = 0; i < 7; i++) {
                    inFlight.send(window, List.of("k"), "v");
                }
                await().atMost(PATIENCE).until(() -> Files.readString(dir.resolve("app.log"))
                        .contains("numaflow-reducer")); // the group's reducer thread is running

                app.destroy(); // SIGTERM
                await().atMost(PATIENCE).until(() -> !Files.exists(socket)); // no new connections from here on
                inFlight.send(window, List.of("k"), "v");
                List<ReduceResponse> responses = inFlight.closeAndAwait();

                assertThat(responses).hasSize(2);
                assertThat(RawReduceDriver.text(responses.get(0))).startsWith("counter:8 ");
                assertThat(responses.get(1).getEOF()).isTrue();
            }
            assertThat(app.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(app.exitValue()).isIn(0, 143);
            assertThat(serverInfo).doesNotExist();
            assertThat(socket).doesNotExist();
            assertThat(Files.readString(dir.resolve("app.log"))).contains("Completed gRPC server shutdown");
        } finally {
            app.destroyForcibly();
        }
    }
}
