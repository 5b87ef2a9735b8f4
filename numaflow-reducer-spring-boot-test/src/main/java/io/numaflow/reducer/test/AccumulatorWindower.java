package io.numaflow.reducer.test;

import io.numaflow.reducer.Datum;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Accumulator windows as the platform keeps them (numaflow-core's accumulator windower): one run per keys,
 * opened by its first datum, closed once the watermark is past the keys' latest event time plus the timeout.
 * No datum is late: ordering by event time is the accumulator's own job.
 */
final class AccumulatorWindower implements EventTimeWindower {

    private final AccumulatorStream stream;
    private final Duration timeout;
    private final Map<List<String>, Instant> lastSeen = new HashMap<>();

    AccumulatorWindower(AccumulatorStream stream, Duration timeout) {
        this.stream = stream;
        this.timeout = timeout;
    }

    @Override
    public boolean accept(Datum datum) {
        stream.append(datum);
        lastSeen.merge(datum.keys(), datum.eventTime(), (a, b) -> a.isAfter(b) ? a : b);
        return true;
    }

    @Override
    public void advance(Instant watermark) {
        lastSeen.entrySet().removeIf(run -> {
            boolean idle = watermark.isAfter(run.getValue().plus(timeout));
            if (idle) {
                stream.close(run.getKey());
            }
            return idle;
        });
    }

    @Override
    public List<ClosedWindow> finish() {
        return stream.finish().runs();
    }
}
