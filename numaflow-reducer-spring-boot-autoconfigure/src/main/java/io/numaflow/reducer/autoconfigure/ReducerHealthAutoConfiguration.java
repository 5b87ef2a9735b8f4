package io.numaflow.reducer.autoconfigure;

import io.grpc.protobuf.services.HealthStatusManager;
import net.devh.boot.grpc.server.autoconfigure.GrpcHealthServiceAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The reducer's health, for Spring Boot Actuator and for {@code grpc.health.v1}. */
@AutoConfiguration(after = {ReducerGrpcServerAutoConfiguration.class, GrpcHealthServiceAutoConfiguration.class})
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
