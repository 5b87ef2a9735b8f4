package io.numaflow.sample;

import io.numaflow.reducer.Accumulator;
import io.numaflow.reducer.AccumulatorOutput;
import io.numaflow.reducer.Datum;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Scope;
import org.springframework.stereotype.Component;

/**
 * An accumulator that re-orders each key's datums by event time ({@code sample.style=sorter}). Datums arrive in
 * arrival order; each is held until the watermark reaches its event time (the platform promises that no older
 * datum follows), then sent on unchanged, anchored to itself. When the key closes, what is still held goes out in
 * order. Prototype-scoped: each key run (the platform's OPEN to CLOSE of a key) gets its own buffer.
 */
@Component
@Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
@ConditionalOnProperty(name = "sample.style", havingValue = "sorter")
class EventTimeSorter implements Accumulator {

    /** Held datums, oldest event time first; arrival order among equal event times. */
    private final PriorityQueue<Held> held = new PriorityQueue<>(
            Comparator.comparing((Held h) -> h.datum().eventTime()).thenComparingLong(Held::arrival));
    private long arrivals;

    @Override
    public void accumulate(List<String> keys, Iterable<Datum> datums, AccumulatorOutput output) {
        for (Datum datum : datums) {
            held.add(new Held(datum, arrivals++));
            while (!held.isEmpty() && !held.peek().datum().eventTime().isAfter(datum.watermark())) {
                output.forward(held.poll().datum());
            }
        }
        while (!held.isEmpty()) {
            output.forward(held.poll().datum());
        }
    }

    private record Held(Datum datum, long arrival) {
    }
}
