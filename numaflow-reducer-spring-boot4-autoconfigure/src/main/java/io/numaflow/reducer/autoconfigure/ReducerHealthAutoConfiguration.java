package io.numaflow.reducer.autoconfigure;

import io.grpc.protobuf.services.HealthStatusManager;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.grpc.server.autoconfigure.health.GrpcServerHealthAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The reducer's health, for Spring Boot Actuator and for {@code grpc.health.v1}. The gRPC health service itself
 * is Spring Boot's; this sets the served UDF's status on it.
 */
@AutoConfiguration(after = {ReducerGrpcServerAutoConfiguration.class, GrpcServerHealthAutoConfiguration.class})
@ConditionalOnBean(ServerInfoFile.class)
public class ReducerHealthAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("reducer")
    static class ActuatorHealth {

        @Bean
        @ConditionalOnMissingBean(name = "reducerHealthIndicator")
        ReducerHealthIndicator reducerHealthIndicator(ServerInfoFile serverInfo,
                NumaflowReducerProperties properties, ReducerSelection selection) {
            return new ReducerHealthIndicator(serverInfo, properties.socketPathFor(selection.kind()));
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthStatusManager.class)
    @ConditionalOnBean(HealthStatusManager.class)
    static class GrpcHealth {

        @Bean
        ReducerGrpcHealth reducerGrpcHealth(HealthStatusManager health, ReducerSelection selection) {
            return new ReducerGrpcHealth(health, selection.kind().grpcServiceName());
        }
    }
}
