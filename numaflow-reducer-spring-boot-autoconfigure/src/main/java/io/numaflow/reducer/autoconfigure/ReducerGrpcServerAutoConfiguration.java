package io.numaflow.reducer.autoconfigure;

import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.numaflow.reducer.engine.DeferredWakeUps;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import net.devh.boot.grpc.server.autoconfigure.GrpcServerAutoConfiguration;
import net.devh.boot.grpc.server.autoconfigure.GrpcServerFactoryAutoConfiguration;
import net.devh.boot.grpc.server.config.GrpcServerProperties;
import net.devh.boot.grpc.server.serverfactory.GrpcServerConfigurer;
import net.devh.boot.grpc.server.serverfactory.GrpcServerLifecycle;
import net.devh.boot.grpc.server.service.GrpcServiceDefinition;
import net.devh.boot.grpc.server.service.GrpcServiceDiscoverer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.util.unit.DataSize;

/**
 * The gRPC server that serves the reduce UDF: net.devh's, on the Unix socket, configured from
 * {@code numaflow.reducer.*} only; and the server-info file that tells the platform it is up.
 */
@AutoConfiguration(after = {ReducerAutoConfiguration.class, GrpcServerAutoConfiguration.class},
        before = GrpcServerFactoryAutoConfiguration.class)
@ConditionalOnClass({GrpcServerLifecycle.class, EpollIoHandler.class})
@ConditionalOnBean(ReducerSelection.class)
public class ReducerGrpcServerAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ReducerGrpcServerAutoConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    EpollEventLoops numaflowReducerEventLoops() {
        return new EpollEventLoops();
    }

    /**
     * The transport callbacks' executor: {@code max-threads} threads. gRPC never shuts it down itself. The
     * server gets it {@linkplain DeferredWakeUps#around wrapped}, so that reducers are woken once per task.
     */
    @Bean(destroyMethod = "shutdownNow")
    ExecutorService numaflowReducerTransportExecutor(NumaflowReducerProperties properties) {
        int threads = transportThreads(properties);
        if (threads < properties.maxThreads()) {
            log.warn("numaflow.reducer.max-threads={} is above {}; using {}", properties.maxThreads(), threads,
                    threads);
        }
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory("numaflow-grpc-executor", true));
    }

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
                socket, eventLoops.boss(), eventLoops.workers(), DeferredWakeUps.around(transport));
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

    @Bean
    @ConditionalOnMissingBean
    ServerInfoFile numaflowReducerServerInfoFile(NumaflowReducerProperties properties, ReducerSelection selection) {
        String cpuLimit = System.getenv("NUMAFLOW_CPU_LIMIT");
        Map<String, String> metadata = cpuLimit == null || cpuLimit.isBlank() ? Map.of() : Map.of("CPU_LIMIT", cpuLimit);
        return new ServerInfoFile(properties.serverInfoFileFor(selection.kind()), BuildVersion.get(),
                selection.kind().minimumNumaflowVersion(), metadata);
    }

    @Bean
    ReducerReadyLog numaflowReducerReadyLog(NumaflowReducerProperties properties, ReducerSelection reducer) {
        return new ReducerReadyLog(properties, reducer, transportThreads(properties), BuildVersion.get());
    }

    private static int transportThreads(NumaflowReducerProperties properties) {
        return Math.min(properties.maxThreads(), NumaflowReducerProperties.MAX_THREADS_CAP);
    }

    // gRPC takes an int: 2 GiB - 1 is the largest message it can be told to accept.
    private static DataSize cappedToInt(DataSize size) {
        return DataSize.ofBytes(Math.min(size.toBytes(), Integer.MAX_VALUE));
    }
}
