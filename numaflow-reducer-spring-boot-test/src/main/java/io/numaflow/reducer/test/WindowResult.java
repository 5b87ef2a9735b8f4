package io.numaflow.reducer.test;

import io.numaflow.reducer.IntervalWindow;
import io.numaflow.reducer.Message;
import java.util.List;

/**
 * What the UDF answered for one closed window: its results, in the order they arrived.
 *
 * <p>The UDF answered correctly by the time you hold one of these: every result carried the window, one EOF
 * came after the last result, and the stream ended with status OK.
 *
 * @param window the window's start (inclusive) and end (exclusive)
 * @param messages every result of the window, in arrival order
 */
public record WindowResult(IntervalWindow window, List<Message> messages) {

    /** Copies the list. */
    public WindowResult {
        messages = List.copyOf(messages);
    }

    /**
     * The results of one group: those whose keys are {@code keys} (a reducer usually answers with its
     * group's keys).
     *
     * @param keys the result keys to select
     * @return the matching results, in arrival order
     */
    public List<Message> messages(List<String> keys) {
        return messages.stream().filter(message -> message.keys().equals(keys)).toList();
    }
}
