package io.numaflow.sample;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.numaflow.reducer.Message;
import io.numaflow.reducer.Messages;
import io.numaflow.reducer.Metadata;
import java.util.List;

/** The counter's one result per group, in both styles. */
final class CounterResult {

    private CounterResult() {
    }

    static Messages of(long count, List<String> keys, Metadata metadata) {
        String text = "counter:" + count
                + " interval_window_start:" + metadata.intervalWindow().start()
                + " interval_window_end:" + metadata.intervalWindow().end();
        return Messages.of(Message.of(text.getBytes(UTF_8), keys));
    }
}
