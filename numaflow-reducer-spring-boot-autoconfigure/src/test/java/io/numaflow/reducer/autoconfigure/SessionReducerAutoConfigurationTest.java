package io.numaflow.reducer.autoconfigure;

import static io.numaflow.reducer.wire.RawReduceDriver.PATIENCE;
import static io.numaflow.reducer.wire.SessionCall.text;
import static io.numaflow.reducer.wire.SessionCall.window;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.BindableService;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.numaflow.reducer.Datum;
import io.numaflow.reducer.Message;
import io.numaflow.reducer.Output;
import io.numaflow.reducer.SessionReducer;
import io.numaflow.reducer.engine.SessionReduceService;
import io.numaflow.reducer.wire.RawReduceDriver;
import io.numaflow.reducer.wire.SessionCall;
import io.numaflow.reducer.wire.TestApplications;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.KeyedWindow;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.SessionReduceResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.devh.boot.grpc.server.autoconfigure.GrpcServerAutoConfiguration;
import net.devh.boot.grpc.server.autoconfigure.GrpcServerFactoryAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;

/** A {@link SessionReducer} bean alone makes a session reduce UDF; a singleton one cannot start. */
class SessionReducerAutoConfigurationTest {

    @TempDir
    Path dir;

    private ApplicationContextRunner server() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ReducerAutoConfiguration.class,
                        ReducerGrpcServerAutoConfiguration.class, GrpcServerAutoConfiguration.class,
                        GrpcServerFactoryAutoConfiguration.class))
                .withPropertyValues("grpc.server.port=-1", // as GrpcServerDefaultsEnvironmentPostProcessor sets it
                        "numaflow.reducer.socket-path=" + dir.resolve("sessionreduce.sock"),
                        "numaflow.reducer.server-info-file=" + dir.resolve("sessionreducer-server-info"),
                        "numaflow.reducer.error-dir=" + dir.resolve("errors"));
    }

    @Test
    void aPrototypeSessionReducerIsServedWithTheSessionKindsPlatformDefaults() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ReducerAutoConfiguration.class))
                .withUserConfiguration(PrototypeSessionReducer.class)
                .run(context -> {
                    ReducerSelection selection = context.getBean(ReducerSelection.class);
                    assertThat(selection.kind()).isEqualTo(UdfKind.SESSION_REDUCER);
                    assertThat(selection.beanName()).isEqualTo("clicks");
                    assertThat(selection.prototype()).isTrue();
                    assertThat(selection.instances().get()).isNotSameAs(selection.instances().get());
                    NumaflowReducerProperties properties = context.getBean(NumaflowReducerProperties.class);
                    assertThat(properties.socketPathFor(selection.kind()))
                            .isEqualTo(Path.of("/var/run/numaflow/sessionreduce.sock"));
                    assertThat(properties.serverInfoFileFor(selection.kind()))
                            .isEqualTo(Path.of("/var/run/numaflow/sessionreducer-server-info"));
                    assertThat(selection.kind().minimumNumaflowVersion()).isEqualTo("1.4.0-z");
                    assertThat(selection.kind().grpcServiceName()).isEqualTo("sessionreduce.v1.SessionReduce");
                    assertThat(context.getBean("numaflowUdfService")).isInstanceOf(SessionReduceService.class);
                });
    }

    @Test
    void theSessionServiceRunsOnTheSocketWithTheSessionHandshake() {
        server().withUserConfiguration(PrototypeSessionReducer.class).run(context -> {
            assertThat(context).hasNotFailed();
            BindableService service = context.getBean("numaflowUdfService", BindableService.class);
            assertThat(service.bindService().getServiceDescriptor().getName())
                    .isEqualTo("sessionreduce.v1.SessionReduce");
            ServerInfoFile serverInfo = context.getBean(ServerInfoFile.class);
            assertThat(serverInfo.path()).isEqualTo(dir.resolve("sessionreducer-server-info"));
            assertThat(serverInfo.content()).contains("\"minimum_numaflow_version\":\"1.4.0-z\"");
            assertThat(Files.exists(dir.resolve("sessionreduce.sock"))).isTrue();
        });
        assertThat(dir.resolve("sessionreduce.sock")).doesNotExist();
    }

    @Test
    void aSingletonSessionReducerFailsStartupSayingItMustBePrototype() {
        server().withUserConfiguration(SingletonSessionReducer.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .isInstanceOf(ReducerStartupException.class)
                    .hasMessage("The SessionReducer bean 'shared' is a singleton, but a SessionReducer keeps the state"
                            + " of one session: it must be @Scope(\"prototype\"), so that each session gets an"
                            + " instance of its own.");
            assertThat(((ReducerStartupException) rootCause(context.getStartupFailure())).getAction())
                    .isEqualTo("Annotate the bean 'shared' with @Scope(\"prototype\").");
            assertThat(dir.resolve("sessionreduce.sock")).doesNotExist();
        });
    }

    @Test
    void aWholeApplicationServesSessionsOverTheSocket() throws Exception {
        Path socket = dir.resolve("run/sessionreduce.sock");
        Path info = dir.resolve("run/sessionreducer-server-info");
        try (ConfigurableApplicationContext context = TestApplications.start(dir, SessionApp.class,
                "numaflow.reducer.socket-path=" + socket, "numaflow.reducer.server-info-file=" + info);
                RawReduceDriver client = new RawReduceDriver(socket)) {
            String handshake = Files.readString(info, UTF_8);
            assertThat(handshake).endsWith(ServerInfoFile.END_MARKER);
            JsonNode json = new ObjectMapper().readTree(
                    handshake.substring(0, handshake.length() - ServerInfoFile.END_MARKER.length()));
            assertThat(json.get("protocol").asText()).isEqualTo("uds");
            assertThat(json.get("language").asText()).isEqualTo("java");
            assertThat(json.get("minimum_numaflow_version").asText()).isEqualTo("1.4.0-z");
            assertThat(SessionCall.isReady(client.channel())).isTrue();
            assertThat(HealthGrpc.newBlockingStub(client.channel())
                    .check(HealthCheckRequest.newBuilder().setService("sessionreduce.v1.SessionReduce").build())
                    .getStatus()).isEqualTo(ServingStatus.SERVING);

            KeyedWindow first = window(0, 60_000, "user-1");
            KeyedWindow second = window(90_000, 150_000, "user-1");
            KeyedWindow merged = window(0, 150_000, "user-1");
            List<SessionReduceResponse> responses = SessionCall.open(client.channel())
                    .open(first, "home").append(first, "cart").open(second, "pay")
                    .merge(first, second).append(merged, "done").close(merged)
                    .closeAndAwait();

            assertThat(responses).hasSize(2);
            assertThat(text(responses.get(0))).isEqualTo("clicks:4");
            assertThat(responses.get(0).getKeyedWindow()).isEqualTo(merged);
            assertThat(responses.get(1).getEOF()).isTrue();
        }
        assertThat(socket).doesNotExist();
        assertThat(info).doesNotExist();
        await().atMost(PATIENCE).untilAsserted(
                () -> assertThat(ReducerApplicationTest.threadsOfTheStarter()).isEmpty());
    }

    private static Throwable rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Counts a session's clicks; a merge adds the counts of the merged sessions. */
    static final class ClickCounter implements SessionReducer {
        private long clicks;

        @Override
        public void sessionReduce(List<String> keys, Iterable<Datum> datums, Output output) {
            for (Datum ignored : datums) {
                clicks++;
            }
            output.send(Message.of(("clicks:" + clicks).getBytes(UTF_8), keys));
        }

        @Override
        public byte[] accumulator() {
            return Long.toString(clicks).getBytes(UTF_8);
        }

        @Override
        public void mergeAccumulator(byte[] accumulator) {
            clicks += Long.parseLong(new String(accumulator, UTF_8));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class PrototypeSessionReducer {
        @Bean
        @Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
        SessionReducer clicks() {
            return new ClickCounter();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class SingletonSessionReducer {
        @Bean
        SessionReducer shared() {
            return new ClickCounter();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class SessionApp extends PrototypeSessionReducer {
    }
}
