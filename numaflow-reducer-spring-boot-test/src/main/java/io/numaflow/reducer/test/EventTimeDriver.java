package io.numaflow.reducer.test;

import io.numaflow.reducer.Datum;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Plays the platform's windowing by event time: you give it timestamped datums and move the watermark; it
 * assigns each datum to its windows, opens, expands, merges and closes windows as the platform does for the
 * {@link WindowKind}, and collects the results of every window.
 *
 * <p>The watermark is the platform's promise that no datum older than it will come: when it reaches a window's
 * end, the window closes. Every datum travels with the current watermark. A datum whose windows are all closed
 * already is late, and dropped as the platform drops it ({@link WindowedResults#late()}).
 *
 * <p>Not thread-safe: one test thread drives it.
 */
public final class EventTimeDriver {

    private final EventTimeWindower windower;
    private final List<Datum> late = new ArrayList<>();
    private Instant watermark = Instant.EPOCH;

    EventTimeDriver(EventTimeWindower windower) {
        this.windower = windower;
    }

    /**
     * Sends a datum with its event time.
     *
     * @param keys the datum's keys
     * @param value the payload
     * @param eventTime when it happened
     * @return this driver
     */
    public EventTimeDriver send(List<String> keys, byte[] value, Instant eventTime) {
        return send(new Datum(keys, value, eventTime, watermark, Map.of()));
    }

    /**
     * Sends a datum with its keys, value, event time, headers and id (the id matters to accumulators only); its
     * watermark is replaced by the current one.
     *
     * @param datum the datum
     * @return this driver
     */
    public EventTimeDriver send(Datum datum) {
        Datum current = new Datum(datum.keys(), datum.value(), datum.eventTime(), watermark, datum.headers(),
                datum.id());
        if (!windower.accept(current)) {
            late.add(current);
        }
        return this;
    }

    /**
     * Moves the watermark: windows that end at or before it close (the UDF answers them).
     *
     * @param watermark the new watermark
     * @return this driver
     * @throws IllegalArgumentException when it is before the current watermark: watermarks never move back
     */
    public EventTimeDriver watermark(Instant watermark) {
        if (watermark.isBefore(this.watermark)) {
            throw new IllegalArgumentException("the watermark never moves back: " + watermark + " is before "
                    + this.watermark);
        }
        this.watermark = watermark;
        windower.advance(watermark);
        return this;
    }

    /**
     * Ends the input: every window still open closes, and the results of all windows are returned.
     *
     * @return every finished window with its results, and the late datums
     * @throws AssertionError when the UDF broke the protocol, failed, or did not answer within the timeout
     */
    public WindowedResults close() {
        return new WindowedResults(windower.finish(), late);
    }
}
