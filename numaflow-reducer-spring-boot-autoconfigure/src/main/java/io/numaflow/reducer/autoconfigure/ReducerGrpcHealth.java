package io.numaflow.reducer.autoconfigure;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.numaproj.numaflow.reduce.v1.ReduceGrpc;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;

/**
 * {@code grpc.health.v1} for the reduce service: {@code SERVING} right after the handshake file is written,
 * {@code NOT_SERVING} once shutdown begins.
 */
class ReducerGrpcHealth implements ApplicationRunner, ApplicationListener<ContextClosedEvent>, Ordered {

    static final String SERVICE = ReduceGrpc.SERVICE_NAME;

    private final HealthStatusManager health;

    ReducerGrpcHealth(HealthStatusManager health) {
        this.health = health;
        health.setStatus(SERVICE, ServingStatus.NOT_SERVING);
    }

    @Override
    public void run(ApplicationArguments args) {
        health.setStatus(SERVICE, ServingStatus.SERVING);
    }

    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        health.setStatus(SERVICE, ServingStatus.NOT_SERVING);
    }

    /** Right after {@link ServerInfoFile}. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 1;
    }
}
