package io.numaflow.reducer.autoconfigure;

import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.numaflow.reducer.engine.DeferredWakeUps;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * What the reduce server needs whichever gRPC integration runs it (imported by each Spring Boot line's
 * {@code ReducerGrpcServerAutoConfiguration}): its threads, and the server-info file and startup line that
 * announce it.
 *
 * <p>Deliberately not a {@code @Configuration}: it is only ever imported, never picked up by a component scan of
 * this package.
 */
class ReducerServerConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ReducerServerConfiguration.class);

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
}
