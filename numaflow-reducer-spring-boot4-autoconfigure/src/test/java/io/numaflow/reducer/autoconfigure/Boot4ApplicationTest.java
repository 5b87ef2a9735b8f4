package io.numaflow.reducer.autoconfigure;

import static io.numaflow.reducer.wire.RawReduceDriver.PATIENCE;
import static io.numaflow.reducer.wire.RawReduceDriver.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.micrometer.core.instrument.MeterRegistry;
import io.numaflow.reducer.Reducer;
import io.numaflow.reducer.wire.RawReduceDriver;
import io.numaflow.reducer.wire.TestApplications;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;
import org.springframework.grpc.server.service.GrpcServiceDiscoverer;

/**
 * Whole Spring Boot 4.1 applications, started as a user's would be (actuator on the classpath, no
 * {@code spring.grpc.server.*} property): handshake, meters, both healths, per-message instrumentation, and
 * that nothing the server started outlives its context.
 */
@ExtendWith(OutputCaptureExtension.class)
class Boot4ApplicationTest {

    @TempDir
    Path dir;

    @Test
    void handshakeMetersAndBothHealthsOfAServedWindowAndNothingLeftAfterClose(CapturedOutput output)
            throws Exception {
        Path socket = dir.resolve("run/reduce.sock");
        Path serverInfo = dir.resolve("run/reducer-server-info");
        try (ConfigurableApplicationContext context = TestApplications.start(dir, Counter.class);
                RawReduceDriver client = new RawReduceDriver(socket)) {
            assertThat(Files.readString(serverInfo)).startsWith("{\"protocol\":\"uds\",\"language\":\"java\"")
                    .endsWith(ServerInfoFile.END_MARKER);
            List<String> results = client.open().send(window(0, 60_000), List.of("a"), "1")
                    .send(window(0, 60_000), List.of("a"), "2").closeAndAwait().stream()
                    .filter(response -> !response.getEOF()).map(ReducerGrpcServerAutoConfigurationTest::keysAndValue).toList();
            assertThat(results).containsExactly("a:2");

            MeterRegistry meters = context.getBean(MeterRegistry.class);
            await().atMost(PATIENCE).until(() -> meters.get("numaflow.reducer.streams.active").gauge().value() == 0);
            assertThat(meters.get("numaflow.reducer.datums.received").counter().count()).isEqualTo(2);
            assertThat(meters.get("numaflow.reducer.windows.completed").counter().count()).isEqualTo(1);
            assertThat(meters.find("grpc.server.requests.received").meters()).as("per-message instrumentation off")
                    .isEmpty();

            assertThat(context.getBean(HealthContributorRegistry.class).getContributor("reducer"))
                    .as("Actuator's reducer indicator").isSameAs(context.getBean(ReducerHealthIndicator.class));
            Health health = context.getBean(ReducerHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("phase", "serving").containsEntry("socket", socket.toString());
            assertThat(HealthGrpc.newBlockingStub(client.channel())
                    .check(HealthCheckRequest.newBuilder().setService("reduce.v1.Reduce").build()).getStatus())
                    .isEqualTo(ServingStatus.SERVING);
            assertThat(context.getBean(GrpcServiceDiscoverer.class).listServiceNames())
                    .as("Spring Boot's own health service, once").containsOnlyOnce("grpc.health.v1.Health");
            assertThat(output).contains("Numaflow reducer 1.0.0-SNAPSHOT ready: serving Reducer bean 'counter'",
                    "on unix:" + socket);
        }
        assertThat(socket).doesNotExist();
        assertThat(serverInfo).doesNotExist();
    }

    @Test
    void theUserTurnsSpringGrpcsObservationBackOnWithOneProperty() throws Exception {
        try (ConfigurableApplicationContext context = TestApplications.start(dir, Counter.class,
                "numaflow.reducer.grpc-instrumentation.enabled=true");
                RawReduceDriver client = new RawReduceDriver(dir.resolve("run/reduce.sock"))) {
            client.open().send(window(0, 60_000), List.of("a"), "1").closeAndAwait();
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            await().atMost(PATIENCE).until(() -> !meters.find("grpc.server").timers().isEmpty());
        }
    }

    @Test
    void repeatedStartAndStopLeavesNoThreadBehind() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        for (int i = 0; i < 3; i++) {
            try (ConfigurableApplicationContext context = TestApplications.start(dir.resolve("run-" + i), Counter.class);
                    RawReduceDriver client = new RawReduceDriver(dir.resolve("run-" + i + "/run/reduce.sock"))) {
                assertThat(context.getBean(GrpcServerLifecycle.class).isRunning()).isTrue();
                client.open().send(window(0, 60_000), List.of("a"), "1").closeAndAwait();
                assertThat(startedSince(before)).as("the server's event loops and executor run")
                        .anyMatch(name -> name.startsWith("numaflow-grpc-boss"))
                        .anyMatch(name -> name.startsWith("numaflow-grpc-worker"))
                        .anyMatch(name -> name.startsWith("numaflow-grpc-executor"));
            }
        }
        await().pollInSameThread().atMost(PATIENCE).untilAsserted(() -> assertThat(startedSince(before)).isEmpty());
    }

    /**
     * Threads alive now that were not before, except the JVM's and the JDK's own process-wide ones (the attach
     * listener, the process reaper, and {@code CompletableFuture}'s timeout scheduler the test client's waits use).
     */
    private static Set<String> startedSince(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !before.contains(thread) && thread.isAlive())
                .map(Thread::getName)
                .filter(name -> !name.equals("Attach Listener") && !name.equals("process reaper")
                        && !name.equals("CompletableFutureDelayScheduler"))
                .collect(Collectors.toSet());
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Counter {
        @Bean
        Reducer counter() {
            return ReducerGrpcServerAutoConfigurationTest::count;
        }
    }
}
