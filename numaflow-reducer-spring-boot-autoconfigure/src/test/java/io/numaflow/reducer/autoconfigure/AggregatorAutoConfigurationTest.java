package io.numaflow.reducer.autoconfigure;

import static io.numaflow.reducer.wire.RawReduceDriver.window;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.BindableService;
import io.numaflow.reducer.Aggregator;
import io.numaflow.reducer.Messages;
import io.numaflow.reducer.Metadata;
import io.numaflow.reducer.Reducer;
import io.numaflow.reducer.engine.ReduceService;
import io.numaflow.reducer.wire.CountingAggregator;
import io.numaflow.reducer.wire.RawReduceDriver;
import io.numaflow.reducer.wire.RawReduceDriver.WindowStream;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.Window;
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
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.context.annotation.Scope;

/**
 * An {@link Aggregator} bean makes a reduce UDF for fixed and sliding windows: the {@code Reducer} kind's
 * service, socket and handshake, and one more member of the family for the one-bean rule.
 */
class AggregatorAutoConfigurationTest {

    @TempDir
    Path dir;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ReducerAutoConfiguration.class));
    }

    private ApplicationContextRunner serving(Path socket) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ReducerAutoConfiguration.class,
                        ReducerGrpcServerAutoConfiguration.class, GrpcServerAutoConfiguration.class,
                        GrpcServerFactoryAutoConfiguration.class))
                .withPropertyValues("grpc.server.port=-1", "numaflow.reducer.socket-path=" + socket,
                        "numaflow.reducer.server-info-file=" + dir.resolve("reducer-server-info"),
                        "numaflow.reducer.error-dir=" + dir.resolve("errors"));
    }

    @Test
    void anAggregatorBeanTakesTheReducersPlatformDefaults() {
        runner().withUserConfiguration(OneAggregator.class).run(context -> {
            ReducerSelection selection = context.getBean(ReducerSelection.class);
            assertThat(selection.kind()).isEqualTo(UdfKind.AGGREGATOR);
            assertThat(selection.beanName()).isEqualTo("counter");
            assertThat(selection.prototype()).isFalse();
            assertThat(selection.instances().get()).isSameAs(context.getBean("counter"));
            NumaflowReducerProperties properties = context.getBean(NumaflowReducerProperties.class);
            assertThat(properties.socketPathFor(selection.kind())).isEqualTo(Path.of("/var/run/numaflow/reduce.sock"));
            assertThat(properties.serverInfoFileFor(selection.kind()))
                    .isEqualTo(Path.of("/var/run/numaflow/reducer-server-info"));
            assertThat(selection.kind().minimumNumaflowVersion()).isEqualTo("1.4.0-z");
            assertThat(context.getBean("numaflowUdfService")).isInstanceOf(ReduceService.class);
        });
    }

    @Test
    void anAggregatorBeanAloneIsServedAsReduceV1OnTheSocketWithItsHandshake() {
        Path socket = dir.resolve("reduce.sock");
        serving(socket).withUserConfiguration(OneAggregator.class).run(context -> {
            assertThat(context).hasNotFailed();
            BindableService service = context.getBean("numaflowUdfService", BindableService.class);
            assertThat(service.bindService().getServiceDescriptor().getName()).isEqualTo("reduce.v1.Reduce");
            assertThat(context.getBean(ServerInfoFile.class).content())
                    .contains("\"minimum_numaflow_version\":\"1.4.0-z\"");
            try (RawReduceDriver client = new RawReduceDriver(socket)) {
                assertThat(client.isReady()).isTrue();
                Window window = window(0, 60_000);
                WindowStream stream = client.open();
                for (int i = 0; i < 5; i++) {
                    stream.send(window, List.of("k" + (i % 2)), "v");
                }
                List<ReduceResponse> responses = stream.closeAndAwait();
                assertThat(responses).hasSize(3);
                assertThat(responses.subList(0, 2)).extracting(RawReduceDriver::text)
                        .containsExactlyInAnyOrder("counter:3", "counter:2");
                assertThat(responses.get(2).getEOF()).isTrue();
            }
        });
        assertThat(socket).doesNotExist();
    }

    @Test
    void aPrototypeAggregatorGivesAFreshInstancePerGroup() {
        Path socket = dir.resolve("reduce.sock");
        serving(socket).withUserConfiguration(PrototypeAggregator.class).run(context -> {
            ReducerSelection selection = context.getBean(ReducerSelection.class);
            assertThat(selection.kind()).isEqualTo(UdfKind.AGGREGATOR);
            assertThat(selection.prototype()).isTrue();
            InstanceCounting.INSTANCES.clear();
            try (RawReduceDriver client = new RawReduceDriver(socket)) {
                Window window = window(0, 60_000);
                WindowStream stream = client.open();
                for (int i = 0; i < 9; i++) {
                    stream.send(window, List.of("k" + (i % 3)), "v");
                }
                List<ReduceResponse> responses = stream.closeAndAwait();
                assertThat(responses.subList(0, 3)).extracting(RawReduceDriver::text).containsOnly("counter:3");
            }
            assertThat(InstanceCounting.INSTANCES).as("one instance per group").hasSize(3);
        });
    }

    @Test
    void anAggregatorAndAReducerWithoutAChoiceFailStartupListingBoth() {
        runner().withUserConfiguration(OneAggregator.class, OneReducer.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .isInstanceOf(ReducerStartupException.class)
                    .hasMessage("Found 2 reduce UDF beans and no way to choose one: [reducer, counter]."
                            + " A Numaflow reduce UDF serves exactly one Reducer, ReduceStreamer, SessionReducer,"
                            + " Accumulator or Aggregator.");
        });
    }

    @Test
    void thePrimaryOrTheNamedBeanIsServedAcrossKinds() {
        runner().withUserConfiguration(OneReducer.class, PrimaryAggregator.class).run(context -> {
            ReducerSelection selection = context.getBean(ReducerSelection.class);
            assertThat(selection.beanName()).isEqualTo("preferred");
            assertThat(selection.kind()).isEqualTo(UdfKind.AGGREGATOR);
        });
        runner().withUserConfiguration(OneReducer.class, OneAggregator.class)
                .withPropertyValues("numaflow.reducer.bean-name=counter").run(context -> {
                    ReducerSelection selection = context.getBean(ReducerSelection.class);
                    assertThat(selection.beanName()).isEqualTo("counter");
                    assertThat(selection.kind()).isEqualTo(UdfKind.AGGREGATOR);
                });
        runner().withUserConfiguration(OneReducer.class, OneAggregator.class)
                .withPropertyValues("numaflow.reducer.bean-name=reducer").run(context ->
                        assertThat(context.getBean(ReducerSelection.class).kind()).isEqualTo(UdfKind.REDUCER));
    }

    /** A {@link CountingAggregator} that records each instance that made a group. */
    static final class InstanceCounting extends CountingAggregator {
        static final Set<InstanceCounting> INSTANCES = ConcurrentHashMap.newKeySet();

        @Override
        public long[] create(List<String> keys, Metadata metadata) {
            INSTANCES.add(this);
            return super.create(keys, metadata);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OneAggregator {
        @Bean
        Aggregator<long[]> counter() {
            return new CountingAggregator();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class PrimaryAggregator {
        @Bean
        @Primary
        Aggregator<long[]> preferred() {
            return new CountingAggregator();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class PrototypeAggregator {
        @Bean
        @Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
        Aggregator<long[]> counting() {
            return new InstanceCounting();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OneReducer {
        @Bean
        Reducer reducer() {
            return (keys, datums, md) -> Messages.empty();
        }
    }
}
