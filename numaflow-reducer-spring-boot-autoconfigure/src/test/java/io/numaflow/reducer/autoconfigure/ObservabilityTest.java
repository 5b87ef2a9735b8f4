package io.numaflow.reducer.autoconfigure;

import static io.numaflow.reducer.wire.RawReduceDriver.PATIENCE;
import static io.numaflow.reducer.wire.RawReduceDriver.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.micrometer.core.instrument.MeterRegistry;
import io.numaflow.reducer.Reducer;
import io.numaflow.reducer.wire.RawReduceDriver;
import io.numaflow.reducer.wire.RawReduceDriver.WindowStream;
import io.numaflow.reducer.wire.TestApplications;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.Window;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextClosedEvent;

/** Meters, health and logs of a running application, after traffic whose effect is known exactly. */
@ExtendWith(OutputCaptureExtension.class)
class ObservabilityTest {

    @TempDir
    Path dir;

    @Test
    void metersCountAKnownWorkloadAndHealthSaysServing(CapturedOutput output) throws Exception {
        Path socket = dir.resolve("run/reduce.sock");
        try (ConfigurableApplicationContext context = TestApplications.start(dir, CounterWithBoom.class);
                RawReduceDriver client = new RawReduceDriver(socket)) {
            Window window = window(0, 60_000);
            WindowStream good = client.open();
            for (int i = 0; i < 12; i++) {
                good.send(window, List.of("k" + (i % 3)), "v");
            }
            assertThat(good.closeAndAwait()).hasSize(4);
            Status malformed = client.open().send(ReduceRequest.getDefaultInstance()).awaitStatus();
            assertThat(malformed.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            Status failed = client.open().send(window, List.of("boom"), "secret-payload").halfClose().awaitStatus();
            assertThat(failed.getCode()).isEqualTo(Status.Code.INTERNAL);

            MeterRegistry meters = context.getBean(MeterRegistry.class);
            // A stream's status reaches the client before its last groups report their end: wait for every value.
            await().atMost(PATIENCE).untilAsserted(() -> {
                assertThat(meters.get("numaflow.reducer.streams.active").gauge().value()).isZero();
                assertThat(meters.get("numaflow.reducer.datums.received").counter().count()).isEqualTo(13);
                assertThat(meters.get("numaflow.reducer.results.sent").counter().count()).isEqualTo(3);
                assertThat(meters.get("numaflow.reducer.windows.completed").counter().count()).isEqualTo(1);
                assertThat(meters.get("numaflow.reducer.udf.errors").counter().count()).isEqualTo(1);
                assertThat(meters.get("numaflow.reducer.streams.rejected").tag("reason", "malformed").counter()
                        .count()).isEqualTo(1);
                assertThat(meters.get("numaflow.reducer.streams.rejected").tag("reason", "cancelled").counter()
                        .count()).isZero();
                assertThat(meters.get("numaflow.reducer.groups.active").gauge().value()).isZero();
                assertThat(meters.get("numaflow.reducer.group.duration").timer().count()).isEqualTo(4);
                assertThat(meters.get("numaflow.reducer.window.close.to.eof").timer().count()).isEqualTo(1);
            });
            assertThat(meters.find("numaflow.reducer.datums.received").meters())
                    .allSatisfy(meter -> assertThat(meter.getId().getTags()).isEmpty());

            Health health = context.getBean(ReducerHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(org.springframework.boot.actuate.health.Status.UP);
            assertThat(health.getDetails()).containsEntry("phase", "serving");
            ServingStatus grpc = HealthGrpc.newBlockingStub(client.channel())
                    .check(HealthCheckRequest.newBuilder().setService("reduce.v1.Reduce").build()).getStatus();
            assertThat(grpc).isEqualTo(ServingStatus.SERVING);

            assertThat(output).contains("Numaflow reducer 1.0.0-SNAPSHOT ready: serving Reducer bean 'counterWithBoom'",
                            "on unix:" + socket, "max-threads 4", "max-message-size 67108864 bytes")
                    .contains("The UDF failed for window [1970-01-01T00:00:00Z, 1970-01-01T00:01:00Z) keys [boom]:"
                            + " java.lang.IllegalStateException: boom")
                    .doesNotContain("secret-payload");
        }
    }

    @Test
    void healthIsOutOfServiceBeforeTheHandshakeUpAfterItAndOutOfServiceWhileStopping() {
        ServerInfoFile serverInfo = new ServerInfoFile(dir.resolve("info"), "1.0.0", "1.4.0-z", Map.of());
        ReducerHealthIndicator indicator = new ReducerHealthIndicator(serverInfo, dir.resolve("reduce.sock"));

        assertThat(indicator.health().getStatus()).isEqualTo(org.springframework.boot.actuate.health.Status.OUT_OF_SERVICE);
        assertThat(indicator.health().getDetails()).containsEntry("phase", "starting");

        serverInfo.run(null);
        assertThat(indicator.health().getStatus()).isEqualTo(org.springframework.boot.actuate.health.Status.UP);

        indicator.onApplicationEvent(new ContextClosedEvent(new org.springframework.context.support.GenericApplicationContext()));
        assertThat(indicator.health().getStatus()).isEqualTo(org.springframework.boot.actuate.health.Status.OUT_OF_SERVICE);
        assertThat(indicator.health().getDetails()).containsEntry("phase", "stopping");
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class CounterWithBoom {
        @Bean
        Reducer counterWithBoom() {
            return (keys, datums, md) -> {
                if (keys.contains("boom")) {
                    throw new IllegalStateException("boom");
                }
                return ReducerApplicationTest.count(keys, datums);
            };
        }
    }
}
