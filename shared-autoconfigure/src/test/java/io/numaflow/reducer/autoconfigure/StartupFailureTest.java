package io.numaflow.reducer.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.numaflow.reducer.Messages;
import io.numaflow.reducer.Reducer;
import io.numaflow.reducer.wire.RawReduceDriver;
import io.numaflow.reducer.wire.TestApplications;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What a user sees when the UDF cannot start: Spring Boot's failure report naming the property and what to
 * do, never a stack trace from inside Netty. Each case starts a real application.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureTest {

    @TempDir
    static Path dir;

    static Stream<Arguments> badProperties() {
        String tooLong = dir.resolve("x".repeat(120) + ".sock").toString();
        return Stream.of(
                Arguments.of("numaflow.reducer.max-threads=0",
                        "Origin: \"numaflow.reducer.max-threads\"", "Reason: must be greater than or equal to 1"),
                Arguments.of("numaflow.reducer.max-message-size=-1B",
                        "Origin: \"numaflow.reducer.max-message-size\"", "Reason: must be greater than 0"),
                Arguments.of("numaflow.reducer.max-message-size=0B",
                        "Origin: \"numaflow.reducer.max-message-size\"", "Reason: must be greater than 0"),
                Arguments.of("numaflow.reducer.shutdown-grace-period=-1s",
                        "Origin: \"numaflow.reducer.shutdown-grace-period\"", "Reason: must be longer than or equal to 0"),
                Arguments.of("numaflow.reducer.max-threads=many",
                        "Property: numaflow.reducer.max-threads", "Value: \"many\""),
                Arguments.of("numaflow.reducer.socket-path=" + tooLong,
                        "numaflow.reducer.socket-path '" + tooLong + "' is ",
                        "a Unix domain socket path can be at most 107 bytes"),
                Arguments.of("numaflow.reducer.socket-path=" + dir.resolve("a-file/reduce.sock"),
                        "Cannot create the directory of numaflow.reducer.socket-path", "point numaflow.reducer"
                                + ".socket-path at a writable directory"),
                Arguments.of("numaflow.reducer.socket-path=" + dir.resolve("a-file"),
                        "exists and is not a socket; refusing to replace it", "Remove the file"),
                Arguments.of("numaflow.reducer.server-info-file=" + dir.resolve("a-file/info"),
                        "Cannot write numaflow.reducer.server-info-file", "Make its directory writable"));
    }

    @ParameterizedTest
    @MethodSource("badProperties")
    void aBadPropertyStopsStartupWithAReportNamingIt(String property, String description, String detail,
            CapturedOutput output) throws Exception {
        Files.writeString(dir.resolve("a-file"), "not a socket");

        assertThatThrownBy(() -> start(OneReducer.class, property)).isNotNull();

        assertThat(output).contains("APPLICATION FAILED TO START", description, detail)
                .doesNotContain("\tat io.grpc.netty");
        assertThat(Files.readString(dir.resolve("a-file"))).isEqualTo("not a socket");
    }

    @Test
    void twoReducersWithoutAChoiceStopStartupListingBoth(CapturedOutput output) {
        assertThatThrownBy(() -> start(TwoReducers.class)).isNotNull();

        assertThat(output).contains("APPLICATION FAILED TO START",
                "Found 2 reduce UDF beans and no way to choose one: [first, second]",
                "Mark one of [first, second] @Primary, or set numaflow.reducer.bean-name to one of them.");
    }

    @Test
    void aLiveInstancesSocketIsNeverTakenOver(CapturedOutput output) throws Exception {
        Path socket = dir.resolve("live/reduce.sock");
        try (ConfigurableApplicationContext first = start(OneReducer.class, "numaflow.reducer.socket-path=" + socket,
                "numaflow.reducer.server-info-file=" + dir.resolve("live/info-1"))) {
            assertThatThrownBy(() -> start(OneReducer.class, "numaflow.reducer.socket-path=" + socket,
                    "numaflow.reducer.server-info-file=" + dir.resolve("live/info-2"))).isNotNull();

            assertThat(output).contains("is the socket of a running process (it accepts connections);"
                    + " refusing to take it over");
            try (RawReduceDriver client = new RawReduceDriver(socket)) {
                assertThat(client.isReady()).as("the first instance still serves").isTrue();
            }
        }
    }

    @Test
    void aDeadSocketOfAnEarlierRunIsReplaced(CapturedOutput output) throws Exception {
        Path socket = dir.resolve("dead/reduce.sock");
        Files.createDirectories(socket.getParent());
        try (ServerSocketChannel earlier = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            earlier.bind(UnixDomainSocketAddress.of(socket)); // closing leaves the file: a dead socket
        }
        assertThat(socket).exists();

        try (ConfigurableApplicationContext context = start(OneReducer.class, "numaflow.reducer.socket-path=" + socket,
                "numaflow.reducer.server-info-file=" + dir.resolve("dead/info"));
                RawReduceDriver client = new RawReduceDriver(socket)) {
            assertThat(client.isReady()).isTrue();
            assertThat(output).contains("Removed the dead socket " + socket);
        }
    }

    private static ConfigurableApplicationContext start(Class<?> config, String... properties) {
        return TestApplications.start(dir, config, properties);
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class OneReducer {
        @Bean
        Reducer counter() {
            return (keys, datums, md) -> Messages.empty();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class TwoReducers {
        @Bean
        Reducer first() {
            return (keys, datums, md) -> Messages.empty();
        }

        @Bean
        Reducer second() {
            return (keys, datums, md) -> Messages.empty();
        }
    }
}
