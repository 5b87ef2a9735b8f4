package io.numaflow.reducer.autoconfigure;

import static io.numaflow.reducer.wire.RawReduceDriver.window;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.grpc.MetricCollectingServerInterceptor;
import io.micrometer.core.instrument.binder.grpc.ObservationGrpcServerInterceptor;
import io.numaflow.reducer.Reducer;
import io.numaflow.reducer.wire.RawReduceDriver;
import io.numaflow.reducer.wire.TestApplications;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.env.MockEnvironment;

/**
 * net.devh's per-message gRPC instrumentation is off unless the user turns it on: whole applications with
 * actuator and Micrometer on the classpath, serving one window.
 */
class GrpcInstrumentationDefaultsTest {

    @TempDir
    Path dir;

    @Test
    void byDefaultNeitherNetDevhsMeterNorObservationInterceptorRunsAndTheStartersMetersDo() throws Exception {
        try (ConfigurableApplicationContext context = TestApplications.start(dir, Counter.class)) {
            serveOneWindow();
            assertThat(context.getBeanNamesForType(MetricCollectingServerInterceptor.class)).isEmpty();
            assertThat(context.getBeanNamesForType(ObservationGrpcServerInterceptor.class)).isEmpty();
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.find("grpc.server.requests.received").meters()).isEmpty();
            assertThat(meters.get("numaflow.reducer.datums.received").counter().count()).isEqualTo(3);
        }
    }

    @Test
    void theUserTurnsItBackOnWithOneProperty() throws Exception {
        try (ConfigurableApplicationContext context = TestApplications.start(dir, Counter.class,
                "numaflow.reducer.grpc-instrumentation.enabled=true")) {
            serveOneWindow();
            assertThat(context.getBeanNamesForType(MetricCollectingServerInterceptor.class)).hasSize(1);
            assertThat(context.getBeanNamesForType(ObservationGrpcServerInterceptor.class)).hasSize(1);
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.get("grpc.server.requests.received").tag("method", "ReduceFn").counter().count())
                    .isEqualTo(3);
        }
    }

    @Test
    void theUsersOwnExclusionsAndSettingsAreKept() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("spring.autoconfigure.exclude[0]", JacksonAutoConfiguration.class.getName())
                .withProperty("management.tracing.grpc.enabled", "true");
        new GrpcServerDefaultsEnvironmentPostProcessor().postProcessEnvironment(environment, null);

        assertThat(environment.getProperty("spring.autoconfigure.exclude")).isEqualTo(
                JacksonAutoConfiguration.class.getName() + "," + GrpcServerDefaultsEnvironmentPostProcessor.METRIC_AUTO_CONFIGURATION);
        assertThat(environment.getProperty("management.tracing.grpc.enabled")).isEqualTo("true");
        assertThat(environment.getProperty("grpc.metricsA66Enabled")).isEqualTo("false");
    }

    private void serveOneWindow() throws Exception {
        try (RawReduceDriver client = new RawReduceDriver(dir.resolve("run/reduce.sock"))) {
            RawReduceDriver.WindowStream stream = client.open();
            for (int i = 0; i < 3; i++) {
                stream.send(window(0, 60_000), List.of("k"), "v");
            }
            assertThat(stream.closeAndAwait()).hasSize(2);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Counter {
        @Bean
        Reducer counter() {
            return (keys, datums, md) -> ReducerApplicationTest.count(keys, datums);
        }
    }
}
