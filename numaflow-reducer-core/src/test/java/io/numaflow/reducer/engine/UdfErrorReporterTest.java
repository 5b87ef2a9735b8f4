package io.numaflow.reducer.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The error a reducer's exception becomes, on the wire and on disk. */
class UdfErrorReporterTest {

    @TempDir
    Path dir;

    private final Clock clock = Clock.fixed(Instant.ofEpochSecond(1_790_000_000L), ZoneOffset.UTC);

    @Test
    void theFirstErrorIsPersistedAsJsonUnderTheContainerOnceAndOnlyOnce() throws Exception {
        UdfErrorReporter reporter = new UdfErrorReporter("udf", dir, clock);

        StatusRuntimeException first = reporter.report(new IllegalArgumentException("bad \"value\"\n"));
        reporter.report(new IllegalStateException("second"));

        assertThat(first.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
        try (Stream<Path> files = Files.list(dir.resolve("udf"))) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("1790000000-udf.json");
        }
        JsonNode json = new ObjectMapper().readTree(dir.resolve("udf/1790000000-udf.json").toFile());
        assertThat(json.get("container").asText()).isEqualTo("udf");
        assertThat(json.get("timestamp").asLong()).isEqualTo(1_790_000_000L);
        assertThat(json.get("code").asText()).isEqualTo("INTERNAL");
        assertThat(json.get("message").asText())
                .isEqualTo("UDF_EXECUTION_ERROR(udf): java.lang.IllegalArgumentException: bad \"value\"\n");
        assertThat(json.get("details").asText()).startsWith("java.lang.IllegalArgumentException: bad \"value\"")
                .contains("at io.numaflow.reducer.engine.UdfErrorReporterTest");
    }

    @Test
    void withoutAContainerNameTheErrorSaysUnknownContainer() {
        StatusRuntimeException status = new UdfErrorReporter(null, dir, clock).report(new RuntimeException("x"));
        assertThat(status.getStatus().getDescription())
                .isEqualTo("UDF_EXECUTION_ERROR(unknown-container): java.lang.RuntimeException: x");
    }

    @Test
    void anUnwritableErrorDirIsNotFatal() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        StatusRuntimeException status = new UdfErrorReporter("udf", notADirectory, clock)
                .report(new RuntimeException("x"));
        assertThat(status.getStatus().getDescription()).isEqualTo("UDF_EXECUTION_ERROR(udf): java.lang.RuntimeException: x");
        assertThat(Files.readString(notADirectory)).isEqualTo("x");
    }

    @Test
    void noTemporaryFileIsLeftBehind() throws Exception {
        new UdfErrorReporter("udf", dir, clock).report(new RuntimeException("x"));
        try (Stream<Path> files = Files.list(dir.resolve("udf"))) {
            assertThat(files.filter(p -> p.toString().endsWith(".tmp")).toList()).isEqualTo(List.of());
        }
    }
}
