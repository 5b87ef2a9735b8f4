package io.numaflow.reducer.test.sessionapp;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.numaflow.reducer.Datum;
import io.numaflow.reducer.Message;
import io.numaflow.reducer.Output;
import io.numaflow.reducer.SessionReducer;
import java.util.List;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Scope;

/** A user's application serving another kind: a session counter (prototype: one instance per session). */
@SpringBootApplication
class SessionCountApplication {

    @Bean
    @Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
    SessionReducer sessionCounter() {
        return new SessionReducer() {
            long count;

            @Override
            public void sessionReduce(List<String> keys, Iterable<Datum> datums, Output output) {
                for (Datum ignored : datums) {
                    count++;
                }
                output.send(Message.of(Long.toString(count).getBytes(UTF_8), keys));
            }

            @Override
            public byte[] accumulator() {
                return Long.toString(count).getBytes(UTF_8);
            }

            @Override
            public void mergeAccumulator(byte[] accumulator) {
                count += Long.parseLong(new String(accumulator, UTF_8));
            }
        };
    }
}
