package io.numaflow.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A demo as a user runs it ({@code java -jar <sample> --spring.profiles.active=demo --sample.style=<style>}), as a
 * process with its socket and handshake under a test directory: for the tests that each demo plays, checks its
 * results and exits by itself.
 */
public final class DemoProcess {

    private DemoProcess() {
    }

    /**
     * Runs the demo of {@code style} until it exits; asserts it exited by itself with status 0 and removed its
     * socket.
     *
     * @param dir where the socket ({@code socketName}), handshake ({@code serverInfoName}), errors and log go
     * @return the demo's output
     */
    public static String run(Path dir, String style, String socketName, String serverInfoName)
            throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = dir.resolve("demo.log");
        Process app = new ProcessBuilder(java, "-jar", System.getProperty("sample.jar"),
                "--spring.profiles.active=demo", "--sample.style=" + style,
                "--numaflow.reducer.socket-path=" + dir.resolve(socketName),
                "--numaflow.reducer.server-info-file=" + dir.resolve(serverInfoName),
                "--numaflow.reducer.error-dir=" + dir.resolve("errors"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            // Generous: a JVM start on a loaded build machine can take a minute.
            assertThat(app.waitFor(3, TimeUnit.MINUTES)).as("the demo exits by itself").isTrue();
            String output = Files.readString(log);
            assertThat(app.exitValue()).as(output).isZero();
            assertThat(dir.resolve(socketName)).doesNotExist();
            return output;
        } finally {
            app.destroyForcibly();
        }
    }
}
