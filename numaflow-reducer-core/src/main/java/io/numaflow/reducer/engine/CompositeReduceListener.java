package io.numaflow.reducer.engine;

import io.numaflow.reducer.IntervalWindow;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells several listeners, in order, and keeps what one of them throws away from the engine: see {@link
 * ReduceListener#of(List)}. Listeners run inside the engine's hand-offs and completions; an exception escaping
 * there would leave a group's state half updated or a window without its EOF. A failing callback is logged
 * once per listener and callback (it may run per datum), then ignored.
 */
final class CompositeReduceListener implements ReduceListener {

    private static final Logger log = LoggerFactory.getLogger(CompositeReduceListener.class);

    private final List<ReduceListener> listeners;
    private final Set<String> failuresLogged = ConcurrentHashMap.newKeySet();

    CompositeReduceListener(List<ReduceListener> listeners) {
        this.listeners = listeners;
    }

    private void tell(String callback, Consumer<ReduceListener> call) {
        for (ReduceListener listener : listeners) {
            try {
                call.accept(listener);
            } catch (RuntimeException | LinkageError failure) {
                String name = listener.getClass().getName();
                if (failuresLogged.add(name + '#' + callback)) {
                    log.warn("A ReduceListener ({}) threw in {}; ignored, and not logged again for this callback",
                            name, callback, failure);
                }
            }
        }
    }

    @Override
    public void streamOpened() {
        tell("streamOpened", ReduceListener::streamOpened);
    }

    @Override
    public void streamClosed() {
        tell("streamClosed", ReduceListener::streamClosed);
    }

    @Override
    public void datumReceived() {
        tell("datumReceived", ReduceListener::datumReceived);
    }

    @Override
    public void groupOpened() {
        tell("groupOpened", ReduceListener::groupOpened);
    }

    @Override
    public void groupClosed() {
        tell("groupClosed", ReduceListener::groupClosed);
    }

    @Override
    public void reducerReturned(Duration reducerTime) {
        tell("reducerReturned", listener -> listener.reducerReturned(reducerTime));
    }

    @Override
    public void resultSent() {
        tell("resultSent", ReduceListener::resultSent);
    }

    @Override
    public void windowCompleted(Duration closeToEof) {
        tell("windowCompleted", listener -> listener.windowCompleted(closeToEof));
    }

    @Override
    public void udfError(IntervalWindow window, Throwable error) {
        tell("udfError", listener -> listener.udfError(window, error));
    }

    @Override
    public void streamRejected(Rejection rejection) {
        tell("streamRejected", listener -> listener.streamRejected(rejection));
    }
}
