package io.numaflow.reducer.autoconfigure;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;

/**
 * {@code grpc.health.v1} for the served UDF's service (e.g. {@code reduce.v1.Reduce}): {@code SERVING} right after the handshake file is written,
 * {@code NOT_SERVING} once shutdown begins.
 */
class ReducerGrpcHealth implements ApplicationRunner, ApplicationListener<ContextClosedEvent>, Ordered {

    private final HealthStatusManager health;
    private final String service;

    ReducerGrpcHealth(HealthStatusManager health, String service) {
        this.health = health;
        this.service = service;
        health.setStatus(service, ServingStatus.NOT_SERVING);
    }

    @Override
    public void run(ApplicationArguments args) {
        health.setStatus(service, ServingStatus.SERVING);
    }

    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        health.setStatus(service, ServingStatus.NOT_SERVING);
    }

    /** Right after {@link ServerInfoFile}. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 1;
    }
}
