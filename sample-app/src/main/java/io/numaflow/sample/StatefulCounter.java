package io.numaflow.sample;

import io.numaflow.reducer.Datum;
import io.numaflow.reducer.Messages;
import io.numaflow.reducer.Metadata;
import io.numaflow.reducer.Reducer;
import java.util.List;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Scope;
import org.springframework.stereotype.Component;

/**
 * The counter as a stateful class ({@code sample.style=class}): prototype-scoped, so every (window, keys)
 * group gets a fresh instance and the field is never shared. {@code initialValue} shows constructor
 * arguments coming from configuration, as the class-based reducers of the other SDKs take init args.
 */
@Component
@Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
@ConditionalOnProperty(name = "sample.style", havingValue = "class")
class StatefulCounter implements Reducer {

    private long count;

    StatefulCounter(@org.springframework.beans.factory.annotation.Value("${sample.initial-value:0}") long initialValue) {
        this.count = initialValue;
    }

    @Override
    public Messages reduce(List<String> keys, Iterable<Datum> datums, Metadata metadata) {
        for (Datum ignored : datums) {
            count++;
        }
        return CounterResult.of(count, keys, metadata);
    }
}
