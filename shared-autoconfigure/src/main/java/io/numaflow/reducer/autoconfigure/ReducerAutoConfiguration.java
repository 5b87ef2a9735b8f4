package io.numaflow.reducer.autoconfigure;

import io.grpc.BindableService;
import io.numaflow.reducer.Accumulator;
import io.numaflow.reducer.Aggregator;
import io.numaflow.reducer.ReduceStreamer;
import io.numaflow.reducer.Reducer;
import io.numaflow.reducer.SessionReducer;
import io.numaflow.reducer.engine.EngineSettings;
import io.numaflow.reducer.engine.GroupExecutor;
import io.numaflow.reducer.engine.ReduceListener;
import io.numaflow.reducer.engine.ReduceService;
import io.numaflow.reducer.engine.UdfErrorReporter;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.system.JavaVersion;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

/**
 * Serves the application's reduce UDF bean, a {@link Reducer}, {@link ReduceStreamer}, {@link SessionReducer},
 * {@link Accumulator} or {@link Aggregator}, as the gRPC service of its kind: the engine's beans.
 * {@link ReducerGrpcServerAutoConfiguration} puts the service on the Unix socket.
 *
 * <p>Active when such a bean exists and {@code numaflow.reducer.enabled} is not {@code false}.
 */
@AutoConfiguration
@ConditionalOnClass(ReduceService.class)
@Conditional(ReducerAutoConfiguration.OnReduceUdfBean.class)
@ConditionalOnProperty(prefix = "numaflow.reducer", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(NumaflowReducerProperties.class)
public class ReducerAutoConfiguration {

    /** Platform threads that run Reducer groups at once before further ones buffer (see GroupExecutor). */
    static final int PLATFORM_THREAD_POOL_SIZE = 256;

    @Bean
    @ConditionalOnMissingBean
    ReducerSelection reducerSelection(ConfigurableListableBeanFactory beanFactory,
            NumaflowReducerProperties properties) {
        return ReducerSelection.select(beanFactory, properties.beanName());
    }

    /**
     * Handler tasks: on Java 21+ a virtual thread each, unless {@code numaflow.reducer.virtual-threads} is
     * {@code false}; otherwise platform threads, where no unit waits for another either (see GroupExecutor).
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    GroupExecutor reducerGroupExecutor(NumaflowReducerProperties properties) {
        if (properties.virtualThreads() && JavaVersion.getJavaVersion().isEqualOrNewerThan(JavaVersion.TWENTY_ONE)) {
            SimpleAsyncTaskExecutor virtualThreads = new SimpleAsyncTaskExecutor("numaflow-reducer-");
            virtualThreads.setVirtualThreads(true);
            return GroupExecutor.threadPerGroup(virtualThreads);
        }
        return GroupExecutor.pooled(PLATFORM_THREAD_POOL_SIZE);
    }

    @Bean
    @ConditionalOnMissingBean
    UdfErrorReporter udfErrorReporter(NumaflowReducerProperties properties) {
        return new UdfErrorReporter(UdfErrorReporter.containerFromEnvironment(), properties.errorDir(),
                Clock.systemUTC());
    }

    @Bean
    @ConditionalOnMissingBean
    EngineSettings numaflowEngineSettings(GroupExecutor executor, UdfErrorReporter errors,
            ObjectProvider<ReduceListener> listeners) {
        return new EngineSettings(executor, errors, ReduceListener.of(listeners.orderedStream().toList()));
    }

    /** The served kind's gRPC service: {@code reduce.v1}, {@code sessionreduce.v1} or {@code accumulator.v1}. */
    @Bean
    @ReducerGrpcService
    @ConditionalOnMissingBean(name = "numaflowUdfService")
    BindableService numaflowUdfService(ReducerSelection selection, EngineSettings settings) {
        return selection.kind().service(selection.instances(), settings);
    }

    /** Active when the application declares a bean of any kind. */
    static final class OnReduceUdfBean extends AnyNestedCondition {

        OnReduceUdfBean() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnBean(Reducer.class)
        static final class HasReducer {
        }

        @ConditionalOnBean(ReduceStreamer.class)
        static final class HasReduceStreamer {
        }

        @ConditionalOnBean(SessionReducer.class)
        static final class HasSessionReducer {
        }

        @ConditionalOnBean(Accumulator.class)
        static final class HasAccumulator {
        }

        @ConditionalOnBean(Aggregator.class)
        static final class HasAggregator {
        }
    }
}
