package io.numaflow.sample.streaming;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.numaflow.reducer.Datum;
import io.numaflow.reducer.Message;
import io.numaflow.reducer.ReduceStreamer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The counter as a {@link ReduceStreamer} ({@code sample.style=streaming}), for a fixed or sliding window with
 * {@code streaming: true}: it tells the platform the running count every {@code sample.streaming.every} datums
 * (default 5; 0 turns running counts off), while the window is still open, and the final count when it closes.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "sample.style", havingValue = "streaming")
public class StreamingCounterConfiguration {

    @Bean
    ReduceStreamer streamingCounter(@Value("${sample.streaming.every:5}") int every) {
        return (keys, datums, output, metadata) -> {
            long count = 0;
            for (Datum ignored : datums) {
                count++;
                if (every > 0 && count % every == 0) {
                    output.send(Message.of(("so-far:" + count).getBytes(UTF_8), keys));
                }
            }
            output.send(Message.of(("counter:" + count).getBytes(UTF_8), keys));
        };
    }
}
