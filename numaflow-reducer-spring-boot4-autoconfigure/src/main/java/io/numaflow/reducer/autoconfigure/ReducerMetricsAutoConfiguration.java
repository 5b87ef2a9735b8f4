package io.numaflow.reducer.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.context.annotation.Bean;

/** Micrometer meters for the reducer, when the application has a {@link MeterRegistry}. */
@AutoConfiguration(after = {ReducerAutoConfiguration.class, MetricsAutoConfiguration.class,
        CompositeMeterRegistryAutoConfiguration.class})
@ConditionalOnClass({MeterRegistry.class, MetricsAutoConfiguration.class})
@ConditionalOnBean({ReducerSelection.class, MeterRegistry.class})
public class ReducerMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ReducerMetrics reducerMetrics(MeterRegistry registry) {
        return new ReducerMetrics(registry);
    }
}
