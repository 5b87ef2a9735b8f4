package io.numaflow.sample;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.numaflow.reducer.test.AlignedWindow;
import io.numaflow.reducer.test.ReduceClient;
import io.numaflow.reducer.test.WindowResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged sample app as the platform runs it: a separate JVM that gets SIGTERM while a window is in
 * flight. The window still gets its results and EOF, the process exits cleanly and leaves no files behind.
 */
class SampleAppProcessIT {

    /** A JVM starting a fat jar on a loaded CI machine: generous, it only bounds a hang. */
    static final Duration PATIENCE = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    @Test
    void sigtermDrainsTheInFlightWindowThenExitsAndRemovesItsFiles() throws Exception {
        Path socket = dir.resolve("reduce.sock");
        Path serverInfo = dir.resolve("reducer-server-info");
        int managementPort = freePort();
        String java = ProcessHandle.current().info().command().orElse("java");
        Process app = new ProcessBuilder(java, "-jar", System.getProperty("sample.jar"),
                "--numaflow.reducer.socket-path=" + socket, "--numaflow.reducer.server-info-file=" + serverInfo,
                "--numaflow.reducer.error-dir=" + dir.resolve("errors"), "--server.port=" + managementPort,
                "--numaflow.reducer.shutdown-grace-period=30s")
                .redirectErrorStream(true).redirectOutput(dir.resolve("app.log").toFile()).start();
        try {
            // connects once the handshake is written, as the platform does
            try (ReduceClient client = ReduceClient.connect(socket, serverInfo).timeout(PATIENCE)) {
                AlignedWindow inFlight = client.window(Instant.EPOCH, Duration.ofMinutes(1));
                for (int i = 0; i < 7; i++) {
                    inFlight.send(List.of("k"), "v".getBytes(UTF_8));
                }
                // The app's own meters say when all 7 have reached the group: the window is in flight.
                await().atMost(PATIENCE).until(() -> scrape(managementPort)
                        .contains("numaflow_reducer_datums_received_total 7.0"));

                app.destroy(); // SIGTERM
                await().atMost(PATIENCE).until(() -> !Files.exists(socket)); // no new connections from here on
                inFlight.send(List.of("k"), "v".getBytes(UTF_8));
                WindowResult result = inFlight.close(); // its results, then its EOF, then OK

                assertThat(result.messages()).hasSize(1);
                assertThat(new String(result.messages().get(0).value(), UTF_8)).startsWith("counter:8 ");
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

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The app's Prometheus page, or "" while it does not answer yet. */
    private static String scrape(int port) throws InterruptedException {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException notYet) {
            return "";
        }
    }
}
