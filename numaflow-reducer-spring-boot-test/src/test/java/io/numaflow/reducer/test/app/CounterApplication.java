package io.numaflow.reducer.test.app;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.numaflow.reducer.Datum;
import io.numaflow.reducer.Message;
import io.numaflow.reducer.Messages;
import io.numaflow.reducer.Reducer;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/** A user's application: the counter of SPEC section 1 as a Reducer bean. */
@SpringBootApplication
class CounterApplication {

    @Bean
    Reducer counter() {
        return (keys, datums, md) -> {
            long n = 0;
            for (Datum d : datums) {
                n++;
            }
            return Messages.of(Message.of(Long.toString(n).getBytes(UTF_8), keys));
        };
    }
}
