package io.numaflow.reducer;

import java.util.List;

/**
 * A Numaflow reduce user-defined function for a fixed or sliding window with {@code streaming: true}: like a
 * {@link Reducer}, it aggregates the datums of one {@code (window, keys)} group, but it sends its results as
 * it produces them instead of returning them when the window closes.
 *
 * <p>{@link #reduceStream} is called once per group, as soon as the group's first datum arrives, on a thread of
 * its own (never a gRPC transport thread). {@code datums} delivers the group's datums in arrival order,
 * blocking until the next one arrives; iteration ends when the window closes. Every {@link Output#send} goes
 * to the platform at once with the group's window; when every group of the window has returned, the window
 * ends (the platform receives its end-of-window marker).
 *
 * <p>Declared as a Spring bean, its scope is its lifetime: a singleton is shared by every group and must be
 * thread-safe; a {@code @Scope("prototype")} bean gets a fresh instance per group.
 *
 * <pre>{@code
 * @Bean
 * ReduceStreamer runningCount() {
 *     return (keys, datums, output, md) -> {
 *         long n = 0;
 *         for (Datum d : datums) {
 *             if (++n % 100 == 0) output.send(Message.of(Long.toString(n).getBytes(UTF_8), keys));
 *         }
 *     };
 * }
 * }</pre>
 */
@FunctionalInterface
public interface ReduceStreamer {

    /**
     * Reduces one group, sending results as it goes.
     *
     * @param keys the group's keys
     * @param datums the group's datums, single-pass and in arrival order; a handler may stop early (the rest of
     *     the group is discarded)
     * @param output where results go; usable until this method returns
     * @param metadata the group's window
     * @throws Exception ends the window's stream with an {@code INTERNAL} error reported to the platform;
     *     results already sent stay sent (the platform processes the window again)
     */
    void reduceStream(List<String> keys, Iterable<Datum> datums, Output output, Metadata metadata) throws Exception;
}
