package io.numaflow.sample.session;

import static io.numaflow.reducer.test.SessionCall.text;
import static io.numaflow.reducer.test.SessionCall.window;
import static org.assertj.core.api.Assertions.assertThat;

import io.numaflow.reducer.Reducer;
import io.numaflow.reducer.SessionReducer;
import io.numaflow.reducer.test.ReduceClient;
import io.numaflow.reducer.test.SessionCall;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.KeyedWindow;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.SessionReduceResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;

/** The sample app with {@code sample.style=session}: clicks per visit over the real socket, as a session vertex. */
@SpringBootTest(properties = {"sample.style=session", "server.port=0"})
class ClicksPerVisitApplicationTest {

    static final Path DIR = tempDir();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("numaflow.reducer.socket-path", () -> DIR.resolve("sessionreduce.sock").toString());
        registry.add("numaflow.reducer.server-info-file", () -> DIR.resolve("sessionreducer-server-info").toString());
        registry.add("numaflow.reducer.error-dir", () -> DIR.resolve("errors").toString());
    }

    @AfterAll
    static void removeDir() throws Exception {
        FileSystemUtils.deleteRecursively(DIR);
    }

    @Autowired
    ApplicationContext context;

    @Test
    void visitsAreCountedExpandedAndMergedAsThePlatformDrivesThem() throws Exception {
        assertThat(context.getBeanNamesForType(SessionReducer.class)).containsExactly("clicksPerVisit");
        assertThat(context.getBeanNamesForType(Reducer.class)).isEmpty();
        assertThat(Files.readString(DIR.resolve("sessionreducer-server-info"))).contains("\"minimum_numaflow_version\":\"1.4.0-z\"");

        KeyedWindow ann = window(0, 30_000, "ann");
        KeyedWindow annGrown = window(0, 40_000, "ann");
        KeyedWindow bobFirst = window(0, 30_000, "bob");
        KeyedWindow bobSecond = window(40_000, 70_000, "bob");
        KeyedWindow bobJoined = window(0, 70_000, "bob");
        List<SessionReduceResponse> responses;
        try (ReduceClient client = new ReduceClient(DIR.resolve("sessionreduce.sock"))) {
            responses = SessionCall.open(client.channel())
                    .open(ann, "home").expand(ann, annGrown, "shoes").append(annGrown, "cart")
                    .open(bobFirst, "home").open(bobSecond, "help").merge(bobFirst, bobSecond).close(annGrown)
                    .append(bobJoined, "pay")
                    .closeAndAwait();
        }

        assertThat(responses).hasSize(4);
        assertThat(responses).filteredOn(r -> !r.getEOF()).extracting(r -> r.getKeyedWindow().getKeys(0) + " " + text(r))
                .containsExactlyInAnyOrder("ann clicks:3 pages:home>shoes>cart", "bob clicks:3 pages:home>help>pay");
        assertThat(responses).filteredOn(SessionReduceResponse::getEOF).extracting(SessionReduceResponse::getKeyedWindow)
                .containsExactlyInAnyOrder(annGrown, bobJoined);
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("clicks-per-visit");
        } catch (java.io.IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
