package io.numaflow.reducer.autoconfigure;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.numaflow.reducer.engine.DeferredWakeUps;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.grpc.server.autoconfigure.GrpcServerAutoConfiguration;
import org.springframework.boot.grpc.server.autoconfigure.GrpcServerServicesAutoConfiguration;
import org.springframework.boot.grpc.server.autoconfigure.health.GrpcServerHealthAutoConfiguration;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.grpc.server.ServerBuilderCustomizer;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;
import org.springframework.grpc.server.service.GrpcServiceConfigurer;
import org.springframework.grpc.server.service.GrpcServiceDiscoverer;

/**
 * The gRPC server that serves the reduce UDF: Spring Boot's, on the Unix socket, configured from
 * {@code numaflow.reducer.*} only; and (with {@link ReducerServerConfiguration}) its threads and the server-info
 * file that tells the platform it is up.
 *
 * <p>Its server factory makes Spring Boot's own network gRPC server back off, so no {@code spring.grpc.server.*}
 * property is needed; the services Spring Boot adds (gRPC health and reflection) and its global interceptors are
 * served next to the UDF's, and {@code ServerBuilderCustomizer} beans still apply.
 */
@AutoConfiguration(after = ReducerAutoConfiguration.class, before = {GrpcServerAutoConfiguration.class,
        GrpcServerServicesAutoConfiguration.class, GrpcServerHealthAutoConfiguration.class})
@ConditionalOnClass({GrpcServerLifecycle.class, NettyServerBuilder.class, EpollIoHandler.class})
@ConditionalOnBean(ReducerSelection.class)
@Import(ReducerServerConfiguration.class)
public class ReducerGrpcServerAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    UnixSocketGrpcServerFactory numaflowReducerGrpcServerFactory(NumaflowReducerProperties properties,
            ReducerSelection selection, GrpcServiceDiscoverer services, GrpcServiceConfigurer serviceConfigurer,
            ObjectProvider<ServerBuilderCustomizer<NettyServerBuilder>> customizers, EpollEventLoops eventLoops,
            @Qualifier("numaflowReducerTransportExecutor") ExecutorService transport) {
        UnixSocketTransport unixSocket = new UnixSocketTransport(properties.socketPathFor(selection.kind()),
                eventLoops, DeferredWakeUps.around(transport));
        List<ServerBuilderCustomizer<NettyServerBuilder>> ordered = customizers.orderedStream().toList();
        UnixSocketGrpcServerFactory factory = new UnixSocketGrpcServerFactory(unixSocket,
                (int) Math.min(properties.maxMessageSize().toBytes(), Integer.MAX_VALUE), ordered);
        services.findServices().stream().map(service -> serviceConfigurer.configure(service, factory))
                .forEach(factory::addService);
        return factory;
    }

    @Bean
    @ConditionalOnMissingBean
    GrpcServerLifecycle numaflowReducerGrpcServerLifecycle(UnixSocketGrpcServerFactory factory,
            NumaflowReducerProperties properties, ApplicationEventPublisher events) {
        return new GrpcServerLifecycle(factory, properties.shutdownGracePeriod(), events);
    }
}
