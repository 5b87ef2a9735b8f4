package io.numaflow.reducer.test;

import io.numaflow.reducer.IntervalWindow;
import io.numaflow.reducer.Message;
import java.util.List;

/**
 * One window the UDF finished (results, then its EOF): an aligned window with every group's results, a session
 * with its keys, or an accumulator key run.
 *
 * @param window the window's bounds as the UDF's EOF carried them
 * @param keys the session's or key run's keys; empty for an aligned window, which holds every key's groups
 * @param messages the window's results, in arrival order
 */
public record ClosedWindow(IntervalWindow window, List<String> keys, List<Message> messages) {

    /** Copies the lists. */
    public ClosedWindow {
        keys = List.copyOf(keys);
        messages = List.copyOf(messages);
    }

    /**
     * The results whose keys are {@code keys}.
     *
     * @param keys the result keys to select
     * @return the matching results, in arrival order
     */
    public List<Message> messages(List<String> keys) {
        return messages.stream().filter(message -> message.keys().equals(keys)).toList();
    }
}
