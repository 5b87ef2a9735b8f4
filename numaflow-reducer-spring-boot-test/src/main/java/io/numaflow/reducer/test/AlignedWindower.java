package io.numaflow.reducer.test;

import io.numaflow.reducer.Datum;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Fixed and sliding windows as the platform assigns them (numaflow-core's aligned windower): a datum at event
 * time {@code t} belongs to every window {@code [s, s + length)} with {@code s} a multiple of {@code slide}
 * (from the epoch) and {@code s <= t < s + length}; a window closes once the watermark reaches its end. Each
 * window is its own stream, opened by its first datum.
 */
final class AlignedWindower implements EventTimeWindower {

    private final ReduceClient client;
    private final long lengthMillis;
    private final long slideMillis;
    /** Open windows by end, then start: the order they close in. */
    private final TreeMap<List<Instant>, AlignedWindow> open = new TreeMap<>(
            (a, b) -> a.get(1).equals(b.get(1)) ? a.get(0).compareTo(b.get(0)) : a.get(1).compareTo(b.get(1)));
    private final List<ClosedWindow> closed = new ArrayList<>();
    private Instant watermark = Instant.EPOCH;

    AlignedWindower(ReduceClient client, Duration length, Duration slide) {
        this.client = client;
        this.lengthMillis = length.toMillis();
        this.slideMillis = slide.toMillis();
    }

    @Override
    public boolean accept(Datum datum) {
        watermark = datum.watermark();
        long time = datum.eventTime().toEpochMilli();
        boolean assigned = false;
        for (long start = Math.floorDiv(time, slideMillis) * slideMillis; start > time - lengthMillis;
                start -= slideMillis) {
            Instant from = Instant.ofEpochMilli(start);
            Instant to = Instant.ofEpochMilli(start + lengthMillis);
            if (to.isAfter(watermark)) {
                open.computeIfAbsent(List.of(from, to), window -> client.window(from, Duration.ofMillis(lengthMillis)))
                        .send(datum);
                assigned = true;
            }
        }
        return assigned;
    }

    @Override
    public void advance(Instant watermark) {
        this.watermark = watermark;
        for (Iterator<Map.Entry<List<Instant>, AlignedWindow>> windows = open.entrySet().iterator();
                windows.hasNext(); ) {
            Map.Entry<List<Instant>, AlignedWindow> window = windows.next();
            if (window.getKey().get(1).isAfter(watermark)) {
                return;
            }
            windows.remove();
            close(window.getValue());
        }
    }

    @Override
    public List<ClosedWindow> finish() {
        open.values().forEach(this::close);
        open.clear();
        return closed;
    }

    private void close(AlignedWindow window) {
        WindowResult result = window.close();
        closed.add(new ClosedWindow(result.window(), List.of(), result.messages()));
    }
}
