package io.numaflow.reducer.autoconfigure;

import static io.numaflow.reducer.wire.RawReduceDriver.PATIENCE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.BindableService;
import io.numaflow.reducer.Accumulator;
import io.numaflow.reducer.AccumulatorOutput;
import io.numaflow.reducer.Datum;
import io.numaflow.reducer.Message;
import io.numaflow.reducer.engine.AccumulatorService;
import io.numaflow.reducer.wire.AccumulatorClient;
import io.numaflow.reducer.wire.AccumulatorClient.KeyStream;
import io.numaflow.reducer.wire.TestApplications;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.AccumulatorResponse;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.KeyedWindow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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

/** An {@link Accumulator} bean alone makes an accumulator UDF: its service, socket, handshake and a key run. */
class AccumulatorAutoConfigurationTest {

    @TempDir
    Path dir;

    @Test
    void anAccumulatorBeanTakesTheAccumulatorsPlatformDefaults() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ReducerAutoConfiguration.class))
                .withUserConfiguration(OneAccumulator.class)
                .run(context -> {
                    NumaflowReducerProperties properties = context.getBean(NumaflowReducerProperties.class);
                    ReducerSelection selection = context.getBean(ReducerSelection.class);
                    assertThat(selection.kind()).isEqualTo(UdfKind.ACCUMULATOR);
                    assertThat(selection.beanName()).isEqualTo("forward");
                    assertThat(properties.socketPathFor(selection.kind()))
                            .isEqualTo(Path.of("/var/run/numaflow/accumulator.sock"));
                    assertThat(properties.serverInfoFileFor(selection.kind()))
                            .isEqualTo(Path.of("/var/run/numaflow/accumulator-server-info"));
                    assertThat(selection.kind().minimumNumaflowVersion()).isEqualTo("1.5.0-z");
                });
    }

    @Test
    void anAccumulatorBeanAloneIsServedAsAccumulatorV1OnTheSocketWithItsHandshake() {
        Path socket = dir.resolve("accumulator.sock");
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ReducerAutoConfiguration.class,
                        ReducerGrpcServerAutoConfiguration.class, GrpcServerAutoConfiguration.class,
                        GrpcServerFactoryAutoConfiguration.class))
                .withUserConfiguration(OneAccumulator.class)
                .withPropertyValues("grpc.server.port=-1", "numaflow.reducer.socket-path=" + socket,
                        "numaflow.reducer.server-info-file=" + dir.resolve("accumulator-server-info"),
                        "numaflow.reducer.error-dir=" + dir.resolve("errors"))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    Object service = context.getBean("numaflowUdfService");
                    assertThat(service).isInstanceOf(AccumulatorService.class);
                    assertThat(((BindableService) service).bindService().getServiceDescriptor().getName())
                            .isEqualTo("accumulator.v1.Accumulator");
                    assertThat(context.getBean(ServerInfoFile.class).content())
                            .contains("\"minimum_numaflow_version\":\"1.5.0-z\"");
                    try (AccumulatorClient client = new AccumulatorClient(socket)) {
                        assertThat(client.isReady()).isTrue();
                    }
                });
        assertThat(socket).doesNotExist();
    }

    @Test
    void aPrototypeAccumulatorGivesAFreshInstancePerKeyRun() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ReducerAutoConfiguration.class))
                .withUserConfiguration(PrototypeAccumulator.class)
                .run(context -> {
                    ReducerSelection selection = context.getBean(ReducerSelection.class);
                    assertThat(selection.kind()).isEqualTo(UdfKind.ACCUMULATOR);
                    assertThat(selection.prototype()).isTrue();
                    assertThat(selection.instances().get()).isNotSameAs(selection.instances().get());
                });
    }

    @Test
    void aWholeApplicationHandshakesAnswersIsReadyAndRunsAKeyEndToEnd() throws Exception {
        Path socket = dir.resolve("run/accumulator.sock");
        Path serverInfo = dir.resolve("run/accumulator-server-info");
        try (ConfigurableApplicationContext context = TestApplications.start(dir, CountingApp.class,
                "numaflow.reducer.socket-path=" + socket, "numaflow.reducer.server-info-file=" + serverInfo);
                AccumulatorClient client = new AccumulatorClient(socket)) {
            String info = Files.readString(serverInfo, UTF_8);
            assertThat(info).endsWith(ServerInfoFile.END_MARKER);
            JsonNode json = new ObjectMapper()
                    .readTree(info.substring(0, info.length() - ServerInfoFile.END_MARKER.length()));
            assertThat(json.get("protocol").asText()).isEqualTo("uds");
            assertThat(json.get("language").asText()).isEqualTo("java");
            assertThat(json.get("minimum_numaflow_version").asText()).isEqualTo("1.5.0-z");
            assertThat(json.get("version").asText()).isNotBlank();
            assertThat(client.isReady()).isTrue();

            KeyStream stream = client.open()
                    .datum(List.of("k"), "a", 1_000, 500, "id-1")
                    .datum(List.of("k"), "b", 2_000, 1_500, "id-2");
            KeyedWindow close = stream.closeKey(List.of("k"));
            List<AccumulatorResponse> responses = stream.closeAndAwait();

            assertThat(responses).extracting(AccumulatorClient::text).containsExactly("a#1", "b#2", "");
            assertThat(responses).extracting(r -> r.getPayload().getId()).containsExactly("id-1", "id-2", "");
            assertThat(responses.get(2).getEOF()).isTrue();
            assertThat(responses.get(2).getWindow()).isEqualTo(close);
            assertThat(CountingAccumulator.INSTANCES).as("one instance for the key run").hasSize(1);
        }
        assertThat(socket).doesNotExist();
        assertThat(serverInfo).doesNotExist();
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getName().startsWith("numaflow-reducer-") && t.isAlive()));
    }

    static final Accumulator FORWARD = (keys, datums, output) -> datums.forEach(output::forward);

    @Configuration(proxyBeanMethods = false)
    static class OneAccumulator {
        @Bean
        Accumulator forward() {
            return FORWARD;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class PrototypeAccumulator {
        @Bean
        @Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
        Accumulator counting() {
            return new CountingAccumulator();
        }
    }

    /** Numbers the datums of its key run: {@code <value>#<n>}. */
    static final class CountingAccumulator implements Accumulator {
        static final Set<CountingAccumulator> INSTANCES = ConcurrentHashMap.newKeySet();

        @Override
        public void accumulate(List<String> keys, Iterable<Datum> datums, AccumulatorOutput output) {
            INSTANCES.add(this);
            int n = 0;
            for (Datum datum : datums) {
                output.send(datum, Message.of((new String(datum.value(), UTF_8) + "#" + ++n).getBytes(UTF_8),
                        keys));
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class CountingApp {
        @Bean
        @Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
        Accumulator counting() {
            return new CountingAccumulator();
        }
    }
}
