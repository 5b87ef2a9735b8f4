package io.numaflow.sample;

import io.numaflow.reducer.Datum;
import io.numaflow.reducer.Reducer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The counter as a function bean: a stateless singleton shared by every group ({@code sample.style=function},
 * the default).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "sample.style", havingValue = "function", matchIfMissing = true)
class CounterFunctionConfiguration {

    @Bean
    Reducer counter() {
        return (keys, datums, metadata) -> {
            long count = 0;
            for (Datum ignored : datums) {
                count++;
            }
            return CounterResult.of(count, keys, metadata);
        };
    }
}
