package io.numaflow.reducer.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.numaflow.reducer.Messages;
import io.numaflow.reducer.ReduceStreamer;
import io.numaflow.reducer.Reducer;
import io.numaflow.reducer.engine.GroupExecutor;
import io.numaflow.reducer.engine.ReduceService;
import io.numaflow.reducer.engine.UdfErrorReporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadPoolExecutor;
import net.devh.boot.grpc.server.autoconfigure.GrpcServerAutoConfiguration;
import net.devh.boot.grpc.server.autoconfigure.GrpcServerFactoryAutoConfiguration;
import net.devh.boot.grpc.server.serverfactory.GrpcServerLifecycle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.context.annotation.Scope;
import org.springframework.util.unit.DataSize;

/** Every condition, property and failure of the auto-configuration, one context per case. */
class ReducerAutoConfigurationTest {

    @TempDir
    Path dir;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ReducerAutoConfiguration.class,
                        ReducerGrpcServerAutoConfiguration.class, GrpcServerAutoConfiguration.class,
                        GrpcServerFactoryAutoConfiguration.class))
                // What GrpcServerDefaultsEnvironmentPostProcessor does in a real application.
                .withPropertyValues("grpc.server.port=-1",
                        "numaflow.reducer.socket-path=" + dir.resolve("reduce.sock"),
                        "numaflow.reducer.server-info-file=" + dir.resolve("server-info"),
                        "numaflow.reducer.error-dir=" + dir.resolve("errors"));
    }

    @Test
    void withoutAReducerBeanNothingIsStarted() {
        runner().run(context -> {
            assertThat(context).hasNotFailed()
                    .doesNotHaveBean("numaflowUdfService")
                    .doesNotHaveBean(UnixSocketGrpcServerFactory.class)
                    .doesNotHaveBean(GrpcServerLifecycle.class)
                    .doesNotHaveBean(ServerInfoFile.class);
            assertThat(dir.resolve("reduce.sock")).doesNotExist();
        });
    }

    @Test
    void disabledStartsNothingEvenWithAReducer() {
        runner().withUserConfiguration(OneReducer.class).withPropertyValues("numaflow.reducer.enabled=false")
                .run(context -> {
                    assertThat(context).hasNotFailed()
                            .doesNotHaveBean("numaflowUdfService")
                            .doesNotHaveBean(GrpcServerLifecycle.class)
                            .doesNotHaveBean(NumaflowReducerProperties.class);
                    assertThat(dir.resolve("reduce.sock")).doesNotExist();
                });
    }

    @Test
    void aReducerBeanIsServedOnTheUnixSocketWithPlatformDefaults() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ReducerAutoConfiguration.class))
                .withUserConfiguration(OneReducer.class)
                .run(context -> {
                    NumaflowReducerProperties properties = context.getBean(NumaflowReducerProperties.class);
                    assertThat(properties.enabled()).isTrue();
                    UdfKind kind = context.getBean(ReducerSelection.class).kind();
                    assertThat(kind).isEqualTo(UdfKind.REDUCER);
                    assertThat(properties.socketPathFor(kind)).isEqualTo(Path.of("/var/run/numaflow/reduce.sock"));
                    assertThat(properties.serverInfoFileFor(kind))
                            .isEqualTo(Path.of("/var/run/numaflow/reducer-server-info"));
                    assertThat(properties.maxMessageSize()).isEqualTo(DataSize.ofMegabytes(64));
                    assertThat(properties.maxThreads()).isEqualTo(4);
                    assertThat(properties.shutdownGracePeriod()).hasSeconds(60);
                    assertThat(properties.beanName()).isNull();
                    assertThat(properties.errorDir())
                            .isEqualTo(Path.of("/var/numaflow/runtime/application-errors"));
                });
    }

    @Test
    void theServerRunsOnTheSocketAndTheSocketIsGoneAfterClose() {
        runner().withUserConfiguration(OneReducer.class).run(context -> {
            assertThat(context).hasNotFailed()
                    .hasBean("numaflowUdfService")
                    .hasSingleBean(GroupExecutor.class)
                    .hasSingleBean(UdfErrorReporter.class)
                    .hasSingleBean(UnixSocketGrpcServerFactory.class)
                    .hasSingleBean(GrpcServerLifecycle.class)
                    .hasSingleBean(ServerInfoFile.class);
            assertThat(context.getBean("numaflowUdfService")).isInstanceOf(ReduceService.class);
            assertThat(context.getBean(GrpcServerLifecycle.class).isRunning()).isTrue();
            assertThat(context.getBean(ReducerSelection.class).beanName()).isEqualTo("counter");
            assertThat(Files.exists(dir.resolve("reduce.sock"))).isTrue();
        });
        assertThat(dir.resolve("reduce.sock")).doesNotExist();
    }

    @Test
    void maxThreadsSizesTheTransportExecutorAndIsCappedAtSixteen() {
        runner().withUserConfiguration(OneReducer.class).withPropertyValues("numaflow.reducer.max-threads=2")
                .run(context -> assertThat(transport(context).getMaximumPoolSize()).isEqualTo(2));
        runner().withUserConfiguration(OneReducer.class).withPropertyValues("numaflow.reducer.max-threads=64")
                .run(context -> assertThat(transport(context).getMaximumPoolSize()).isEqualTo(16));
    }

    @Test
    void aSingletonReducerIsSharedByAllGroups() {
        runner().withUserConfiguration(OneReducer.class).run(context -> {
            ReducerSelection selection = context.getBean(ReducerSelection.class);
            assertThat(selection.prototype()).isFalse();
            assertThat(selection.instances().get()).isSameAs(selection.instances().get())
                    .isSameAs(context.getBean("counter"));
        });
    }

    @Test
    void aPrototypeReducerGivesAFreshInstancePerGroup() {
        runner().withUserConfiguration(PrototypeReducer.class).run(context -> {
            ReducerSelection selection = context.getBean(ReducerSelection.class);
            assertThat(selection.prototype()).isTrue();
            assertThat(selection.instances().get()).isNotSameAs(selection.instances().get());
        });
    }

    @Test
    void withSeveralReducersThePrimaryIsServed() {
        runner().withUserConfiguration(TwoReducers.class, PrimaryReducer.class).run(context ->
                assertThat(context.getBean(ReducerSelection.class).beanName()).isEqualTo("preferred"));
    }

    @Test
    void withSeveralReducersBeanNameChoosesOne() {
        runner().withUserConfiguration(TwoReducers.class).withPropertyValues("numaflow.reducer.bean-name=second")
                .run(context -> assertThat(context.getBean(ReducerSelection.class).beanName()).isEqualTo("second"));
    }

    @Test
    void withSeveralReducersAndNoChoiceStartupFailsListingTheCandidates() {
        runner().withUserConfiguration(TwoReducers.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .isInstanceOf(ReducerStartupException.class)
                    .hasMessage("Found 2 reduce UDF beans and no way to choose one: [first, second]."
                            + " A Numaflow reduce UDF serves exactly one Reducer, ReduceStreamer, SessionReducer,"
                            + " Accumulator or Aggregator.");
            assertThat(dir.resolve("reduce.sock")).doesNotExist();
        });
    }

    @Test
    void aBeanNameThatNamesNoReducerFailsStartup() {
        runner().withUserConfiguration(TwoReducers.class).withPropertyValues("numaflow.reducer.bean-name=third")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .isInstanceOf(ReducerStartupException.class)
                        .hasMessage("numaflow.reducer.bean-name is 'third', but no Reducer, ReduceStreamer,"
                                + " SessionReducer, Accumulator or Aggregator bean has that name."
                                + " Candidates: [first, second]"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "REDUCER,           /var/run/numaflow/reduce.sock,        /var/run/numaflow/reducer-server-info,         1.4.0-z, reduce.v1.Reduce",
            "REDUCE_STREAMER,   /var/run/numaflow/reducestream.sock,  /var/run/numaflow/reducestreamer-server-info,  1.4.0-z, reduce.v1.Reduce",
            "SESSION_REDUCER,   /var/run/numaflow/sessionreduce.sock, /var/run/numaflow/sessionreducer-server-info,  1.4.0-z, sessionreduce.v1.SessionReduce",
            "ACCUMULATOR,       /var/run/numaflow/accumulator.sock,   /var/run/numaflow/accumulator-server-info,     1.5.0-z, accumulator.v1.Accumulator",
            "AGGREGATOR,        /var/run/numaflow/reduce.sock,        /var/run/numaflow/reducer-server-info,         1.4.0-z, reduce.v1.Reduce"})
    void eachKindHasThePlatformsDefaultsOfSpecSection7(UdfKind kind, Path socket, Path serverInfo, String version,
            String service) {
        assertThat(kind.defaultSocketPath()).isEqualTo(socket);
        assertThat(kind.defaultServerInfoFile()).isEqualTo(serverInfo);
        assertThat(kind.minimumNumaflowVersion()).isEqualTo(version);
        assertThat(kind.grpcServiceName()).isEqualTo(service);
        // the container type the platform checks is the file name minus "-server-info"
        assertThat(serverInfo.getFileName().toString()).endsWith("-server-info");
    }

    @Test
    void aReduceStreamerAloneIsServedOnTheStreamersDefaultPaths() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ReducerAutoConfiguration.class))
                .withUserConfiguration(OneStreamer.class)
                .run(context -> {
                    ReducerSelection selection = context.getBean(ReducerSelection.class);
                    assertThat(selection.kind()).isEqualTo(UdfKind.REDUCE_STREAMER);
                    assertThat(selection.beanName()).isEqualTo("streamer");
                    NumaflowReducerProperties properties = context.getBean(NumaflowReducerProperties.class);
                    assertThat(properties.socketPathFor(selection.kind()))
                            .isEqualTo(Path.of("/var/run/numaflow/reducestream.sock"));
                    assertThat(properties.serverInfoFileFor(selection.kind()))
                            .isEqualTo(Path.of("/var/run/numaflow/reducestreamer-server-info"));
                    assertThat(context.getBean("numaflowUdfService")).isInstanceOf(ReduceService.class);
                });
    }

    @Test
    void explicitPathsWinOverTheKindsDefaults() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ReducerAutoConfiguration.class))
                .withUserConfiguration(OneStreamer.class)
                .withPropertyValues("numaflow.reducer.socket-path=/tmp/x/s.sock",
                        "numaflow.reducer.server-info-file=/tmp/x/info")
                .run(context -> {
                    NumaflowReducerProperties properties = context.getBean(NumaflowReducerProperties.class);
                    assertThat(properties.socketPathFor(UdfKind.REDUCE_STREAMER)).isEqualTo(Path.of("/tmp/x/s.sock"));
                    assertThat(properties.serverInfoFileFor(UdfKind.REDUCE_STREAMER)).isEqualTo(Path.of("/tmp/x/info"));
                });
    }

    @Test
    void aReducerAndAStreamerWithoutAChoiceFailStartupListingBoth() {
        runner().withUserConfiguration(OneReducer.class, OneStreamer.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .isInstanceOf(ReducerStartupException.class)
                    .hasMessage("Found 2 reduce UDF beans and no way to choose one: [counter, streamer]."
                            + " A Numaflow reduce UDF serves exactly one Reducer, ReduceStreamer, SessionReducer,"
                            + " Accumulator or Aggregator.");
        });
    }

    @Test
    void acrossKindsThePrimaryOrTheNamedBeanIsServed() {
        runner().withUserConfiguration(OneReducer.class, PrimaryStreamer.class).run(context -> {
            ReducerSelection selection = context.getBean(ReducerSelection.class);
            assertThat(selection.beanName()).isEqualTo("preferredStreamer");
            assertThat(selection.kind()).isEqualTo(UdfKind.REDUCE_STREAMER);
        });
        runner().withUserConfiguration(OneReducer.class, OneStreamer.class)
                .withPropertyValues("numaflow.reducer.bean-name=counter").run(context -> {
                    ReducerSelection selection = context.getBean(ReducerSelection.class);
                    assertThat(selection.beanName()).isEqualTo("counter");
                    assertThat(selection.kind()).isEqualTo(UdfKind.REDUCER);
                });
    }

    @Test
    void theUsersOwnBeansWin() {
        runner().withUserConfiguration(OneReducer.class, OwnExecutor.class).run(context ->
                assertThat(context.getBean(GroupExecutor.class)).isSameAs(OwnExecutor.EXECUTOR));
    }

    @Test
    void theEnvironmentPostProcessorTurnsNetDevhsTcpServerOffByDefault() {
        var environment = new org.springframework.mock.env.MockEnvironment();
        new GrpcServerDefaultsEnvironmentPostProcessor().postProcessEnvironment(environment, null);
        assertThat(environment.getProperty("grpc.server.port")).isEqualTo("-1");
        assertThat(environment.getProperty("logging.level.io.grpc.netty.shaded.io.netty.bootstrap")).isEqualTo("ERROR");

        environment.setProperty("grpc.server.port", "9999"); // the user's own setting wins
        new GrpcServerDefaultsEnvironmentPostProcessor().postProcessEnvironment(environment, null);
        assertThat(environment.getProperty("grpc.server.port")).isEqualTo("9999");
    }

    private static ThreadPoolExecutor transport(org.springframework.context.ApplicationContext context) {
        return context.getBean("numaflowReducerTransportExecutor", ThreadPoolExecutor.class);
    }

    static final Reducer NOTHING = (keys, datums, md) -> Messages.empty();

    @Configuration(proxyBeanMethods = false)
    static class OneReducer {
        @Bean
        Reducer counter() {
            return NOTHING;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class PrototypeReducer {
        @Bean
        @Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
        Reducer stateful() {
            return new Reducer() { // an anonymous class, not a lambda: the JVM may share a lambda instance
                @Override
                public Messages reduce(java.util.List<String> keys, Iterable<io.numaflow.reducer.Datum> datums,
                        io.numaflow.reducer.Metadata metadata) {
                    return Messages.empty();
                }
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoReducers {
        @Bean
        Reducer first() {
            return NOTHING;
        }

        @Bean
        Reducer second() {
            return NOTHING;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class PrimaryReducer {
        @Bean
        @Primary
        Reducer preferred() {
            return NOTHING;
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
    static class PrimaryStreamer {
        @Bean
        @Primary
        ReduceStreamer preferredStreamer() {
            return (keys, datums, output, md) -> { };
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
