package io.numaflow.reducer.test;

import io.numaflow.reducer.Message;
import java.time.Instant;
import java.util.Map;

/**
 * One output of an {@link io.numaflow.reducer.Accumulator}, as the platform receives it: the message, and what
 * it carries over from the input datum it stands for.
 *
 * @param message the value, keys and tags
 * @param id the source datum's id (the platform de-duplicates outputs by it)
 * @param eventTime the source datum's event time
 * @param watermark the source datum's watermark
 * @param headers the source datum's headers
 */
public record AccumulatedMessage(Message message, String id, Instant eventTime, Instant watermark,
        Map<String, String> headers) {

    /** Copies the headers. */
    public AccumulatedMessage {
        headers = Map.copyOf(headers);
    }
}
