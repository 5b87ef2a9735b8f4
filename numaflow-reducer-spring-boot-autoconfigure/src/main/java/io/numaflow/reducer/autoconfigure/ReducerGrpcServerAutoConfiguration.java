package io.numaflow.reducer.autoconfigure;

import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.numaflow.reducer.engine.DeferredWakeUps;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import net.devh.boot.grpc.server.autoconfigure.GrpcServerAutoConfiguration;
import net.devh.boot.grpc.server.autoconfigure.GrpcServerFactoryAutoConfiguration;
import net.devh.boot.grpc.server.config.GrpcServerProperties;
import net.devh.boot.grpc.server.serverfactory.GrpcServerConfigurer;
import net.devh.boot.grpc.server.serverfactory.GrpcServerLifecycle;
import net.devh.boot.grpc.server.service.GrpcServiceDefinition;
import net.devh.boot.grpc.server.service.GrpcServiceDiscoverer;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.util.unit.DataSize;

/**
 * The gRPC server that serves the reduce UDF: net.devh's, on the Unix socket, configured from
 * {@code numaflow.reducer.*} only; and (with {@link ReducerServerConfiguration}) its threads and the server-info
 * file that tells the platform it is up.
 */
@AutoConfiguration(after = {ReducerAutoConfiguration.class, GrpcServerAutoConfiguration.class},
        before = GrpcServerFactoryAutoConfiguration.class)
@ConditionalOnClass({GrpcServerLifecycle.class, EpollIoHandler.class})
@ConditionalOnBean(ReducerSelection.class)
@Import(ReducerServerConfiguration.class)
public class ReducerGrpcServerAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    UnixSocketGrpcServerFactory numaflowReducerGrpcServerFactory(NumaflowReducerProperties properties,
            ReducerSelection selection, GrpcServiceDiscoverer services, List<GrpcServerConfigurer> configurers, EpollEventLoops eventLoops,
            @Qualifier("numaflowReducerTransportExecutor") ExecutorService transport) {
        Path socket = properties.socketPathFor(selection.kind());
        GrpcServerProperties server = new GrpcServerProperties();
        server.setAddress("unix:" + socket);
        server.setMaxInboundMessageSize(cappedToInt(properties.maxMessageSize()));
        server.setShutdownGracePeriod(properties.shutdownGracePeriod());
        UnixSocketGrpcServerFactory factory = new UnixSocketGrpcServerFactory(server, configurers,
                new UnixSocketTransport(socket, eventLoops, DeferredWakeUps.around(transport)));
        for (GrpcServiceDefinition service : services.findGrpcServices()) {
            factory.addService(service);
        }
        return factory;
    }

    @Bean
    @ConditionalOnMissingBean
    GrpcServerLifecycle numaflowReducerGrpcServerLifecycle(UnixSocketGrpcServerFactory factory,
            NumaflowReducerProperties properties, ApplicationEventPublisher events) {
        return new GrpcServerLifecycle(factory, properties.shutdownGracePeriod(), events);
    }

    // gRPC takes an int: 2 GiB - 1 is the largest message it can be told to accept.
    private static DataSize cappedToInt(DataSize size) {
        return DataSize.ofBytes(Math.min(size.toBytes(), Integer.MAX_VALUE));
    }
}
