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
 * The engine's work as Micrometer meters, all named {@code numaflow.reducer.*}, for every kind of reduce UDF: a
 * "group" is a {@code (window, keys)} group of an aligned window, a session, or an accumulator key run, and a
 * completed "window" any of them whose EOF was sent. Tags are low-cardinality only: never keys or window times.
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
                .description("Windows, sessions and accumulator key runs whose results and EOF were sent")
                .register(registry);
        udfErrors = Counter.builder("numaflow.reducer.udf.errors")
                .description("Handler calls of any kind that threw (each ends its stream with INTERNAL)")
                .register(registry);
        for (Rejection rejection : Rejection.values()) {
            rejected.put(rejection, Counter.builder("numaflow.reducer.streams.rejected")
                    .description("Streams ended early by bad input or by the client")
                    .tag("reason", rejection.name().toLowerCase()).register(registry));
        }
        reducerTime = Timer.builder("numaflow.reducer.group.duration")
                .description("Time in the handler per group: (window, keys) group, session or accumulator key run")
                .register(registry);
        closeToEof = Timer.builder("numaflow.reducer.window.close.to.eof")
                .description("From the close of a window, session or accumulator key run to its EOF")
                .publishPercentileHistogram()
                .register(registry);
        Gauge.builder("numaflow.reducer.streams.active", activeStreams, AtomicInteger::get)
                .description("Open streams: ReduceFn, SessionReduceFn and AccumulateFn").register(registry);
        Gauge.builder("numaflow.reducer.groups.active", activeGroups, AtomicInteger::get)
                .description("Groups not yet ended: (window, keys) groups, sessions and accumulator key runs")
                .register(registry);
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
