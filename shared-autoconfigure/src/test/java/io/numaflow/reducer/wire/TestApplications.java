package io.numaflow.reducer.wire;

import java.nio.file.Path;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts a whole application as a user would, with its socket, handshake file and errors under a test dir. */
public final class TestApplications {

    private TestApplications() {
    }

    /**
     * @param dir where the socket ({@code run/reduce.sock}), server-info file ({@code run/reducer-server-info})
     *     and error dir ({@code errors}) go; {@code properties} may override any of them
     */
    public static ConfigurableApplicationContext start(Path dir, Class<?> config, String... properties) {
        return new SpringApplicationBuilder(config)
                .properties("numaflow.reducer.socket-path=" + dir.resolve("run/reduce.sock"),
                        "numaflow.reducer.server-info-file=" + dir.resolve("run/reducer-server-info"),
                        "numaflow.reducer.error-dir=" + dir.resolve("errors"))
                .properties(properties)
                .run();
    }
}
