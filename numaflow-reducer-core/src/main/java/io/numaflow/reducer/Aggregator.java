package io.numaflow.reducer;

import java.util.List;

/**
 * A Numaflow reduce user-defined function for fixed and sliding windows that folds each datum into a small
 * state as it arrives: counts, sums, minimum and maximum, averages, top-N, sketches. It serves the same
 * vertices as a {@link Reducer} and gives the same results, but needs no thread and no buffered datums per
 * group, so it costs far less per datum.
 *
 * <p>The platform groups datums by window and keys. For each such {@code (window, keys)} group:
 * <ol>
 *   <li>{@link #create} makes the group's initial state when its first datum arrives;</li>
 *   <li>{@link #add} folds each of the group's datums, the first one included, into the state;</li>
 *   <li>{@link #result} turns the final state into the group's results once the window has closed. The
 *       results of every group of a window are sent to the platform together, then the window is done.</li>
 * </ol>
 *
 * <p>Calls for one group never overlap and come in the order the datums arrived. They run on the thread that
 * received the datum from the platform, with no hand-off to another thread: keep them short and never block
 * (no I/O, no waiting for a lock others hold), since a slow call holds back the datums behind it on its
 * connection. A call that throws fails the window, which the platform then processes again.
 *
 * <p>Declared as a Spring bean, a singleton is shared by all groups, which are folded at the same time on
 * different threads: keep each group's state in {@code S}, never in fields of the aggregator. A
 * {@code @Scope("prototype")} bean gets an instance per group.
 *
 * <pre>{@code
 * record Stats(long count, long sum) {}
 *
 * @Bean
 * Aggregator<Stats> sumPerKey() {
 *     return new Aggregator<>() {
 *         public Stats create(List<String> keys, Metadata md) {
 *             return new Stats(0, 0);
 *         }
 *         public Stats add(Stats s, Datum d) {
 *             return new Stats(s.count() + 1, s.sum() + Long.parseLong(new String(d.value(), UTF_8)));
 *         }
 *         public Messages result(List<String> keys, Stats s, Metadata md) {
 *             return Messages.of(Message.of((s.count() + " " + s.sum()).getBytes(UTF_8), keys));
 *         }
 *     };
 * }
 * }</pre>
 *
 * <p>Choose a {@link Reducer} instead when a group's result needs all its datums at once (a median, a sort of
 * the whole group), when the code must block (a call to a database or a remote service), or when it is
 * simply clearer as a loop over the datums; it runs each group on a thread of its own.
 *
 * @param <S> the state of one group: mutable (returned by {@link #add} itself) or immutable (a new one each time)
 */
public interface Aggregator<S> {

    /**
     * A new {@code (window, keys)} group's initial state, made when the group's first datum arrives (that
     * datum is then passed to {@link #add}).
     *
     * @param keys the group's keys
     * @param metadata the group's window
     * @return the initial state
     * @throws Exception fails the window: its stream ends with an {@code INTERNAL} error reported to the platform
     */
    S create(List<String> keys, Metadata metadata) throws Exception;

    /**
     * Folds one datum into the state.
     *
     * @param state the group's state: what {@link #create} or the previous call returned
     * @param datum the group's next datum, in arrival order
     * @return the state to keep: the same object, mutated, or a new one
     * @throws Exception fails the window: its stream ends with an {@code INTERNAL} error reported to the platform
     */
    S add(S state, Datum datum) throws Exception;

    /**
     * The group's results, once its window has closed and every datum has been added.
     *
     * @param keys the group's keys
     * @param state the group's final state
     * @param metadata the group's window
     * @return the results; {@code null} is treated as {@link Messages#empty()}
     * @throws Exception fails the window: its stream ends with an {@code INTERNAL} error reported to the platform
     */
    Messages result(List<String> keys, S state, Metadata metadata) throws Exception;
}
