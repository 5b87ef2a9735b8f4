package io.numaflow.reducer.test;

import io.numaflow.reducer.Datum;
import java.time.Instant;
import java.util.List;

/** The platform's windowing for one {@link WindowKind}: assigns datums, and closes windows as the watermark moves. */
interface EventTimeWindower {

    /**
     * Sends a datum (its watermark is the current one) to its windows.
     *
     * @return {@code false} when it is late: every window it belongs to is already closed
     */
    boolean accept(Datum datum);

    /** The watermark reached {@code watermark}: close what ends at or before it. */
    void advance(Instant watermark);

    /** The input ended: close everything; the windows the UDF finished, in close order. */
    List<ClosedWindow> finish();
}
