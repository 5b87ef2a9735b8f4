package io.numaflow.reducer.autoconfigure;

import static io.numaflow.reducer.wire.RawReduceDriver.window;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.BindableService;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.numaflow.reducer.Accumulator;
import io.numaflow.reducer.Aggregator;
import io.numaflow.reducer.Message;
import io.numaflow.reducer.Messages;
import io.numaflow.reducer.ReduceStreamer;
import io.numaflow.reducer.Reducer;
import io.numaflow.reducer.SessionReducer;
import io.numaflow.reducer.engine.GroupExecutor;
import io.numaflow.reducer.wire.AccumulatorClient;
import io.numaflow.reducer.wire.CountingAggregator;
import io.numaflow.reducer.wire.RawReduceDriver;
import io.numaflow.reducer.wire.SessionCall;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.grpc.server.autoconfigure.GrpcServerAutoConfiguration;
import org.springframework.boot.grpc.server.autoconfigure.GrpcServerServicesAutoConfiguration;
import org.springframework.boot.grpc.server.autoconfigure.health.GrpcServerHealthAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.grpc.server.GrpcServerFactory;
import org.springframework.grpc.server.ServerBuilderCustomizer;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;

/**
 * The Spring Boot 4.1 wiring, one context per case: Spring Boot's gRPC server on the reducer's Unix socket,
 * driven by {@code numaflow.reducer.*} alone, for every kind; Spring Boot's own network server stays off.
 */
class ReducerGrpcServerAutoConfigurationTest {

    @TempDir
    Path dir;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ReducerAutoConfiguration.class,
                        ReducerGrpcServerAutoConfiguration.class, ReducerHealthAutoConfiguration.class,
                        GrpcServerAutoConfiguration.class, GrpcServerServicesAutoConfiguration.class,
                        GrpcServerHealthAutoConfiguration.class))
                .withPropertyValues("numaflow.reducer.socket-path=" + dir.resolve("udf.sock"),
                        "numaflow.reducer.server-info-file=" + dir.resolve("server-info"),
                        "numaflow.reducer.error-dir=" + dir.resolve("errors"));
    }

    @Test
    void withoutAReducerBeanNoGrpcServerIsStartedAtAll() {
        runner().run(context -> {
            assertThat(context).hasNotFailed()
                    .doesNotHaveBean("numaflowUdfService")
                    .doesNotHaveBean(GrpcServerFactory.class)
                    .doesNotHaveBean(GrpcServerLifecycle.class)
                    .doesNotHaveBean(ServerInfoFile.class);
            assertThat(dir.resolve("udf.sock")).doesNotExist();
        });
    }

    @Test
    void disabledStartsNothingEvenWithAReducer() {
        runner().withUserConfiguration(Kinds.REDUCER).withPropertyValues("numaflow.reducer.enabled=false")
                .run(context -> {
                    assertThat(context).hasNotFailed()
                            .doesNotHaveBean(GrpcServerFactory.class)
                            .doesNotHaveBean(GrpcServerLifecycle.class)
                            .doesNotHaveBean(NumaflowReducerProperties.class);
                    assertThat(dir.resolve("udf.sock")).doesNotExist();
                });
    }

    @ParameterizedTest
    @EnumSource(UdfKind.class)
    void eachKindIsServedOnTheSocketNextToSpringBootsHealthAndTheSocketIsGoneAfterClose(UdfKind kind) {
        runner().withUserConfiguration(Kinds.of(kind)).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(GrpcServerLifecycle.class);
            assertThat(context.getBeansOfType(GrpcServerFactory.class)).as("Spring Boot's own server backs off")
                    .containsOnlyKeys("numaflowReducerGrpcServerFactory");
            assertThat(context.getBean(GrpcServerLifecycle.class).isRunning()).isTrue();
            assertThat(context.getBean("numaflowUdfService", BindableService.class).bindService()
                    .getServiceDescriptor().getName()).isEqualTo(kind.grpcServiceName());
            assertThat(context.getBean(ServerInfoFile.class).content())
                    .contains("\"minimum_numaflow_version\":\"" + kind.minimumNumaflowVersion() + "\"");
            try (RawReduceDriver client = new RawReduceDriver(dir.resolve("udf.sock"))) {
                assertThat(servesItsKind(kind, client, dir.resolve("udf.sock"))).isTrue();
                assertThat(grpcHealth(client, kind.grpcServiceName())).isEqualTo(ServingStatus.NOT_SERVING);
                context.getBean(ServerInfoFile.class).run(null);
                context.getBean(ReducerGrpcHealth.class).run(null);
                assertThat(grpcHealth(client, kind.grpcServiceName())).isEqualTo(ServingStatus.SERVING);
            }
        });
        assertThat(dir.resolve("udf.sock")).doesNotExist();
        assertThat(dir.resolve("server-info")).doesNotExist();
    }

    @Test
    void aWindowIsReducedOverTheSocket() {
        runner().withUserConfiguration(Kinds.REDUCER).run(context -> {
            try (RawReduceDriver client = new RawReduceDriver(dir.resolve("udf.sock"))) {
                List<String> results = client.open().send(window(0, 60_000), List.of("a"), "1")
                        .send(window(0, 60_000), List.of("a"), "2").send(window(0, 60_000), List.of("b"), "3")
                        .closeAndAwait().stream().filter(response -> !response.getEOF())
                        .map(ReducerGrpcServerAutoConfigurationTest::keysAndValue).sorted().toList();
                assertThat(results).containsExactly("a:2", "b:1");
            }
        });
    }

    @Test
    void maxMessageSizeBoundsWhatTheServerAccepts() {
        runner().withUserConfiguration(Kinds.REDUCER).withPropertyValues("numaflow.reducer.max-message-size=1KB")
                .run(context -> {
                    try (RawReduceDriver client = new RawReduceDriver(dir.resolve("udf.sock"))) {
                        Status status = client.open().send(window(0, 60_000), List.of("a"), "x".repeat(2048))
                                .awaitStatus();
                        assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                        assertThat(client.isReady()).as("the next stream is served").isTrue();
                    }
                });
    }

    @Test
    void maxThreadsSizesTheTransportExecutorAndIsCappedAtSixteen() {
        runner().withUserConfiguration(Kinds.REDUCER).withPropertyValues("numaflow.reducer.max-threads=2")
                .run(context -> assertThat(transport(context).getMaximumPoolSize()).isEqualTo(2));
        runner().withUserConfiguration(Kinds.REDUCER).withPropertyValues("numaflow.reducer.max-threads=64")
                .run(context -> assertThat(transport(context).getMaximumPoolSize()).isEqualTo(16));
    }

    @Test
    void springGrpcServerBuilderCustomizersStillApply() {
        runner().withUserConfiguration(Kinds.REDUCER, CountingCustomizer.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(CountingCustomizer.class).calls).hasValue(1);
        });
    }

    @Test
    void theUsersOwnBeansWin() {
        runner().withUserConfiguration(Kinds.REDUCER, OwnExecutor.class).run(context ->
                assertThat(context.getBean(GroupExecutor.class)).isSameAs(OwnExecutor.EXECUTOR));
    }

    @Test
    void theReducerHealthIsOutOfServiceBeforeTheHandshakeUpAfterItAndOutOfServiceWhileStopping() {
        ServerInfoFile serverInfo = new ServerInfoFile(dir.resolve("info"), "1.0.0", "1.4.0-z", Map.of());
        ReducerHealthIndicator indicator = new ReducerHealthIndicator(serverInfo, dir.resolve("udf.sock"));
        assertThat(indicator.health().getStatus()).isEqualTo(org.springframework.boot.health.contributor.Status.OUT_OF_SERVICE);
        assertThat(indicator.health().getDetails()).containsEntry("phase", "starting");

        serverInfo.run(null);
        assertThat(indicator.health().getStatus()).isEqualTo(org.springframework.boot.health.contributor.Status.UP);
        assertThat(indicator.health().getDetails()).containsEntry("phase", "serving");

        indicator.onApplicationEvent(new ContextClosedEvent(new GenericApplicationContext()));
        assertThat(indicator.health().getStatus()).isEqualTo(org.springframework.boot.health.contributor.Status.OUT_OF_SERVICE);
        assertThat(indicator.health().getDetails()).containsEntry("phase", "stopping");
        serverInfo.destroy();
    }

    @Test
    void theEnvironmentPostProcessorTurnsSpringGrpcsObservationOffUnlessAsked() {
        MockEnvironment environment = new MockEnvironment();
        new GrpcServerDefaultsEnvironmentPostProcessor().postProcessEnvironment(environment, null);
        assertThat(environment.getProperty("spring.grpc.server.observation.enabled")).isEqualTo("false");
        assertThat(environment.getProperty("logging.level.io.grpc.netty.shaded.io.netty.bootstrap")).isEqualTo("ERROR");
        assertThat(environment.getProperty("spring.grpc.server.port")).as("no network server to turn off").isNull();

        MockEnvironment asked = new MockEnvironment()
                .withProperty(GrpcServerDefaultsEnvironmentPostProcessor.INSTRUMENTATION_PROPERTY, "true");
        new GrpcServerDefaultsEnvironmentPostProcessor().postProcessEnvironment(asked, null);
        assertThat(asked.getProperty("spring.grpc.server.observation.enabled")).isNull();

        MockEnvironment own = new MockEnvironment().withProperty("spring.grpc.server.observation.enabled", "true");
        new GrpcServerDefaultsEnvironmentPostProcessor().postProcessEnvironment(own, null);
        assertThat(own.getProperty("spring.grpc.server.observation.enabled")).as("the user's own setting wins")
                .isEqualTo("true");
    }

    /** The kind's own {@code IsReady} answers over the socket. */
    private static boolean servesItsKind(UdfKind kind, RawReduceDriver client, Path socket) throws Exception {
        return switch (kind) {
            case REDUCER, REDUCE_STREAMER, AGGREGATOR -> client.isReady();
            case SESSION_REDUCER -> SessionCall.isReady(client.channel());
            case ACCUMULATOR -> {
                try (AccumulatorClient accumulator = new AccumulatorClient(socket)) {
                    yield accumulator.isReady();
                }
            }
        };
    }

    private static ServingStatus grpcHealth(RawReduceDriver client, String service) {
        return HealthGrpc.newBlockingStub(client.channel())
                .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
    }

    private static ThreadPoolExecutor transport(AssertableApplicationContext context) {
        return context.getBean("numaflowReducerTransportExecutor", ThreadPoolExecutor.class);
    }

    /** A bean of each kind, counting its datums per group. */
    static final class Kinds {

        static final Class<?> REDUCER = OneReducer.class;

        static Class<?> of(UdfKind kind) {
            return switch (kind) {
                case REDUCER -> OneReducer.class;
                case REDUCE_STREAMER -> OneStreamer.class;
                case SESSION_REDUCER -> OneSessionReducer.class;
                case ACCUMULATOR -> OneAccumulator.class;
                case AGGREGATOR -> OneAggregator.class;
            };
        }

        private Kinds() {
        }
    }

    static String keysAndValue(io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse response) {
        return String.join(",", response.getResult().getKeysList()) + ":" + RawReduceDriver.text(response);
    }

    static Messages count(List<String> keys, Iterable<io.numaflow.reducer.Datum> datums,
            io.numaflow.reducer.Metadata metadata) {
        long n = 0;
        for (var ignored : datums) {
            n++;
        }
        return Messages.of(Message.of(Long.toString(n).getBytes(StandardCharsets.UTF_8), keys));
    }

    @Configuration(proxyBeanMethods = false)
    static class OneReducer {
        @Bean
        Reducer counter() {
            return ReducerGrpcServerAutoConfigurationTest::count;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OneStreamer {
        @Bean
        ReduceStreamer streamer() {
            return (keys, datums, output, md) -> { };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OneSessionReducer {
        @Bean
        @Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
        SessionReducer clicks() {
            return new SessionReducer() {
                @Override
                public void sessionReduce(List<String> keys, Iterable<io.numaflow.reducer.Datum> datums,
                        io.numaflow.reducer.Output output) {
                }

                @Override
                public byte[] accumulator() {
                    return new byte[0];
                }

                @Override
                public void mergeAccumulator(byte[] accumulator) {
                }
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OneAccumulator {
        @Bean
        Accumulator forward() {
            return (keys, datums, output) -> datums.forEach(output::forward);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OneAggregator {
        @Bean
        Aggregator<long[]> counting() {
            return new CountingAggregator();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class CountingCustomizer {
        final AtomicInteger calls = new AtomicInteger();

        @Bean
        ServerBuilderCustomizer<NettyServerBuilder> countingCustomizer() {
            return builder -> calls.incrementAndGet();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnExecutor {
        static final GroupExecutor EXECUTOR = GroupExecutor.pooled(1);

        @Bean
        GroupExecutor myExecutor() {
            return EXECUTOR;
        }
    }
}
