package io.numaflow.reducer.autoconfigure;

import io.numaflow.reducer.engine.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.Ordered;

/**
 * The platform's handshake: once startup has finished, and so the gRPC server listens, the server-info file is
 * written atomically (a temporary file, then a rename): one JSON object (protocol, language, this starter's
 * version, the minimum platform version, metadata) followed by {@value #END_MARKER}. The platform polls for it
 * before it opens any stream and checks the versions it names. Removed on shutdown.
 */
public class ServerInfoFile implements ApplicationRunner, DisposableBean, Ordered {

    /** The marker the platform waits for after the JSON. */
    public static final String END_MARKER = "U+005C__END__";

    private static final Logger log = LoggerFactory.getLogger(ServerInfoFile.class);

    private final Path path;
    private final String version;
    private final String minimumNumaflowVersion;
    private final Map<String, String> metadata;
    private volatile boolean written;

    /**
     * @param path where to write the file
     * @param version this starter's version
     * @param minimumNumaflowVersion the oldest platform that runs the served kind, e.g. {@code 1.4.0-z}
     * @param metadata the {@code metadata} map, e.g. {@code CPU_LIMIT}
     */
    public ServerInfoFile(Path path, String version, String minimumNumaflowVersion, Map<String, String> metadata) {
        this.path = path;
        this.version = version;
        this.minimumNumaflowVersion = minimumNumaflowVersion;
        this.metadata = new TreeMap<>(metadata);
    }

    /** The content: one JSON object, then the END marker. */
    String content() {
        String metadataJson = metadata.entrySet().stream()
                .map(e -> Json.quote(e.getKey()) + ":" + Json.quote(e.getValue()))
                .collect(Collectors.joining(",", "{", "}"));
        return "{\"protocol\":\"uds\",\"language\":\"java\",\"minimum_numaflow_version\":"
                + Json.quote(minimumNumaflowVersion) + ",\"version\":" + Json.quote(version) + ",\"metadata\":" + metadataJson + "}" + END_MARKER;
    }

    @Override
    public void run(ApplicationArguments args) {
        try {
            Path directory = Files.createDirectories(path.toAbsolutePath().getParent());
            Path temp = Files.createTempFile(directory, ".server-info-", ".tmp");
            Files.writeString(temp, content(), StandardCharsets.UTF_8);
            Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            written = true;
            log.info("Wrote the server-info file {}", path);
        } catch (IOException e) {
            throw new ReducerStartupException(
                    "Cannot write numaflow.reducer.server-info-file '" + path + "': " + e,
                    "Make its directory writable, or point numaflow.reducer.server-info-file elsewhere.", e);
        }
    }

    /**
     * Whether the handshake is done.
     *
     * @return {@code true} once the file was written, until shutdown
     */
    public boolean isWritten() {
        return written;
    }

    /** Removes the file, if this instance wrote it: one that failed to start leaves another's alone. */
    @Override
    public void destroy() {
        if (!written) {
            return;
        }
        written = false;
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.warn("Could not remove the server-info file {}: {}", path, e.toString());
        }
    }

    /**
     * Where the file is written.
     *
     * @return the path
     */
    public Path path() {
        return path;
    }

    /** First among runners: the platform may start sending as soon as it sees the file. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
