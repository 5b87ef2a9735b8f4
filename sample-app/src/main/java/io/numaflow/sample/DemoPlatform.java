package io.numaflow.sample;

import io.numaflow.reducer.autoconfigure.NumaflowReducerProperties;
import io.numaflow.reducer.autoconfigure.UdfKind;
import io.numaflow.reducer.test.ReduceClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What every runner of the {@code demo} profile shares: it plays the platform against this very application with
 * the test kit's {@link ReduceClient} (connected once the handshake is written, checking the protocol as the
 * platform would), then stops the application with its verdict as the exit status.
 */
public final class DemoPlatform {

    private static final Logger log = LoggerFactory.getLogger(DemoPlatform.class);

    private DemoPlatform() {
    }

    /**
     * Connects to the served UDF as the platform does and runs {@code script} against it.
     *
     * @param properties the starter's properties (socket and server-info file)
     * @param kind the kind the demo drives
     * @param script the demo: sends, checks, and says whether everything was as expected
     * @return the script's verdict; {@code false} also when the UDF broke the protocol
     */
    public static boolean play(NumaflowReducerProperties properties, UdfKind kind, Predicate<ReduceClient> script) {
        try {
            log.info("The server-info file says {}", Files.readString(properties.serverInfoFileFor(kind)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (ReduceClient platform = ReduceClient.connect(properties.socketPathFor(kind),
                properties.serverInfoFileFor(kind))) {
            return script.test(platform);
        } catch (AssertionError protocolBroken) {
            log.error("The UDF broke the protocol: {}", protocolBroken.getMessage());
            return false;
        }
    }

    /**
     * Stops the application: exit status 0 when the demo saw what it expected, 1 otherwise.
     *
     * @param context the application
     * @param correct the demo's verdict
     */
    public static void exit(ConfigurableApplicationContext context, boolean correct) {
        System.exit(SpringApplication.exit(context, () -> correct ? 0 : 1));
    }
}
