package io.numaflow.reducer.test.app;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.numaflow.reducer.Message;
import io.numaflow.reducer.autoconfigure.NumaflowReducerProperties;
import io.numaflow.reducer.autoconfigure.UdfKind;
import io.numaflow.reducer.test.AutoConfigureReduceClient;
import io.numaflow.reducer.test.ReduceClient;
import io.numaflow.reducer.test.WindowResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The README's example, as a user writes it against their Reducer bean; and what the annotation promises: a
 * socket of its own per context, properties the test sets itself win.
 */
@SpringBootTest
@AutoConfigureReduceClient
class CounterTest {

    static final Set<Path> SOCKETS = ConcurrentHashMap.newKeySet();

    @Autowired
    ReduceClient platform;

    @Autowired
    NumaflowReducerProperties properties;

    @Test
    void counts() {
        WindowResult result = platform.window(Instant.parse("2026-01-01T00:00:00Z"), Duration.ofMinutes(1))
                .send(List.of("a"), "1".getBytes(UTF_8))
                .send(List.of("a"), "2".getBytes(UTF_8))
                .close();

        assertThat(result.messages(List.of("a"))).extracting(Message::value)
                .containsExactly("2".getBytes(UTF_8));
    }

    @Test
    void theUdfServesOnAShortSocketInATempDirOfItsOwn() throws Exception {
        Path socket = properties.socketPathFor(UdfKind.REDUCER);

        assertThat(platform.socket()).isEqualTo(socket);
        assertThat(socket.toString()).startsWith(System.getProperty("java.io.tmpdir")).doesNotContain("/var/run");
        assertThat(socket.toString().length()).isLessThanOrEqualTo(107);
        assertThat(Files.readString(properties.serverInfoFileFor(UdfKind.REDUCER)).endsWith("U+005C__END__")).isTrue();
        assertThat(properties.errorDir().getParent()).isEqualTo(socket.getParent());
        SOCKETS.add(socket);
    }

    @AfterAll
    static void everyContextHadItsOwnSocket() {
        assertThat(SOCKETS).hasSize(2);
    }

    @Nested
    @TestPropertySource(properties = "numaflow.reducer.max-threads=2")
    class AnotherContext {

        @Autowired
        ReduceClient other;

        @Test
        void getsItsOwnSocketAndServesToo() {
            assertThat(other.window(Instant.EPOCH, Duration.ofSeconds(1)).send(List.of("b"), new byte[0]).close()
                    .messages()).extracting(Message::value).containsExactly("1".getBytes(UTF_8));
            SOCKETS.add(other.socket());
        }
    }

    @Nested
    class PathsTheTestSets {

        static final Path DIR = Path.of(System.getProperty("java.io.tmpdir"), "nf-own-" + ProcessHandle.current().pid());

        @DynamicPropertySource
        static void paths(DynamicPropertyRegistry registry) {
            registry.add("numaflow.reducer.socket-path", () -> DIR.resolve("mine.sock").toString());
            registry.add("numaflow.reducer.server-info-file", () -> DIR.resolve("mine-info").toString());
        }

        @Autowired
        ReduceClient mine;

        @Test
        void win() {
            assertThat(mine.socket()).isEqualTo(DIR.resolve("mine.sock"));
            assertThat(mine.window(Instant.EPOCH, Duration.ofSeconds(1)).send(List.of("c"), new byte[0]).close()
                    .messages()).hasSize(1);
        }
    }
}
