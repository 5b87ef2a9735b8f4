package io.numaflow.reducer;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * The results a {@link Reducer} returns for one group, in the order they are sent.
 *
 * <p>Two instances are equal when they hold equal messages in the same order (a {@link Message} compares its
 * value bytes, keys and tags), so a test can compare what a reducer returned with what it expects.
 *
 * <p>Not thread-safe: build it on the reducer's thread, then return it.
 */
public final class Messages implements Iterable<Message> {

    private final List<Message> messages;

    private Messages(List<Message> messages) {
        this.messages = messages;
    }

    /**
     * Results made of the given messages.
     *
     * @param messages the messages, none {@code null}
     * @return a new, appendable instance
     */
    public static Messages of(Message... messages) {
        List<Message> list = new ArrayList<>(messages.length);
        for (Message message : messages) {
            list.add(Objects.requireNonNull(message, "message"));
        }
        return new Messages(list);
    }

    /**
     * No results.
     *
     * @return a new, appendable instance
     */
    public static Messages empty() {
        return new Messages(new ArrayList<>());
    }

    /**
     * Adds a message at the end.
     *
     * @param message the message, not {@code null}
     * @return this instance
     */
    public Messages append(Message message) {
        messages.add(Objects.requireNonNull(message, "message"));
        return this;
    }

    /**
     * The messages in order.
     *
     * @return an unmodifiable copy
     */
    public List<Message> asList() {
        return List.copyOf(messages);
    }

    /**
     * How many messages there are.
     *
     * @return the count
     */
    public int size() {
        return messages.size();
    }

    @Override
    public Iterator<Message> iterator() {
        return asList().iterator();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Messages m && messages.equals(m.messages);
    }

    @Override
    public int hashCode() {
        return messages.hashCode();
    }

    @Override
    public String toString() {
        return "Messages" + messages;
    }
}
