package io.numaflow.reducer.engine;

import io.numaflow.reducer.IntervalWindow;
import java.time.Duration;
import java.util.List;

/** Tells several listeners, in order: see {@link ReduceListener#of(List)}. */
final class CompositeReduceListener implements ReduceListener {

    private final List<ReduceListener> listeners;

    CompositeReduceListener(List<ReduceListener> listeners) {
        this.listeners = listeners;
    }

    @Override
    public void streamOpened() {
        listeners.forEach(ReduceListener::streamOpened);
    }

    @Override
    public void streamClosed() {
        listeners.forEach(ReduceListener::streamClosed);
    }

    @Override
    public void datumReceived() {
        listeners.forEach(ReduceListener::datumReceived);
    }

    @Override
    public void groupOpened() {
        listeners.forEach(ReduceListener::groupOpened);
    }

    @Override
    public void groupClosed() {
        listeners.forEach(ReduceListener::groupClosed);
    }

    @Override
    public void reducerReturned(Duration reducerTime) {
        listeners.forEach(listener -> listener.reducerReturned(reducerTime));
    }

    @Override
    public void resultSent() {
        listeners.forEach(ReduceListener::resultSent);
    }

    @Override
    public void windowCompleted(Duration closeToEof) {
        listeners.forEach(listener -> listener.windowCompleted(closeToEof));
    }

    @Override
    public void udfError(IntervalWindow window, Throwable error) {
        listeners.forEach(listener -> listener.udfError(window, error));
    }

    @Override
    public void streamRejected(Rejection rejection) {
        listeners.forEach(listener -> listener.streamRejected(rejection));
    }
}
