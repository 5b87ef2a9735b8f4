package io.numaflow.reducer.test;

import io.numaflow.reducer.Datum;
import io.numaflow.reducer.Message;
import java.util.List;

/**
 * What the UDF answered for an event-time run ({@link ReduceClient#eventTime(WindowKind)}), window by window.
 *
 * @param windows the windows the UDF finished, in the order they were closed
 * @param late the datums the platform would drop as late: every window they belong to was already closed
 */
public record WindowedResults(List<ClosedWindow> windows, List<Datum> late) {

    /** Copies the lists. */
    public WindowedResults {
        windows = List.copyOf(windows);
        late = List.copyOf(late);
    }

    /**
     * Every result of every window.
     *
     * @return the results, window by window
     */
    public List<Message> messages() {
        return windows.stream().flatMap(window -> window.messages().stream()).toList();
    }
}
