package io.numaflow.reducer.autoconfigure;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.numaflow.reducer.IntervalWindow;
import io.numaflow.reducer.engine.ReduceListener;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine's work as Micrometer meters, all named {@code numaflow.reducer.*}. Tags are low-cardinality
 * only: never keys or window times.
 */
public class ReducerMetrics implements ReduceListener {

    private final Counter datumsReceived;
    private final Counter resultsSent;
    private final Counter windowsCompleted;
    private final Counter udfErrors;
    private final Map<Rejection, Counter> rejected = new EnumMap<>(Rejection.class);
    private final Timer reducerTime;
    private final Timer closeToEof;
    private final AtomicInteger activeStreams = new AtomicInteger();
    private final AtomicInteger activeGroups = new AtomicInteger();

    /**
     * @param registry where the meters are registered
     */
    public ReducerMetrics(MeterRegistry registry) {
        datumsReceived = Counter.builder("numaflow.reducer.datums.received")
                .description("Datums received from the platform").register(registry);
        resultsSent = Counter.builder("numaflow.reducer.results.sent")
                .description("Results sent to the platform").register(registry);
        windowsCompleted = Counter.builder("numaflow.reducer.windows.completed")
                .description("Windows whose results and EOF were sent").register(registry);
        udfErrors = Counter.builder("numaflow.reducer.udf.errors")
                .description("Reducer calls that threw (each ends its stream with INTERNAL)").register(registry);
        for (Rejection rejection : Rejection.values()) {
            rejected.put(rejection, Counter.builder("numaflow.reducer.streams.rejected")
                    .description("Streams ended early by bad input or by the client")
                    .tag("reason", rejection.name().toLowerCase()).register(registry));
        }
        reducerTime = Timer.builder("numaflow.reducer.group.duration")
                .description("Time in the reducer per (window, keys) group").register(registry);
        closeToEof = Timer.builder("numaflow.reducer.window.close.to.eof")
                .description("From a window's close (half-close) to its EOF").publishPercentileHistogram()
                .register(registry);
        Gauge.builder("numaflow.reducer.streams.active", activeStreams, AtomicInteger::get)
                .description("Open ReduceFn streams").register(registry);
        Gauge.builder("numaflow.reducer.groups.active", activeGroups, AtomicInteger::get)
                .description("(window, keys) groups not yet ended").register(registry);
    }

    @Override
    public void streamOpened() {
        activeStreams.incrementAndGet();
    }

    @Override
    public void streamClosed() {
        activeStreams.decrementAndGet();
    }

    @Override
    public void datumReceived() {
        datumsReceived.increment();
    }

    @Override
    public void groupOpened() {
        activeGroups.incrementAndGet();
    }

    @Override
    public void groupClosed() {
        activeGroups.decrementAndGet();
    }

    @Override
    public void reducerReturned(Duration time) {
        reducerTime.record(time);
    }

    @Override
    public void resultSent() {
        resultsSent.increment();
    }

    @Override
    public void windowCompleted(Duration time) {
        windowsCompleted.increment();
        closeToEof.record(time);
    }

    @Override
    public void udfError(IntervalWindow window, Throwable error) {
        udfErrors.increment();
    }

    @Override
    public void streamRejected(Rejection rejection) {
        rejected.get(rejection).increment();
    }
}
