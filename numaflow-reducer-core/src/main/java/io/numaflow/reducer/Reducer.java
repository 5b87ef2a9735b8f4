package io.numaflow.reducer;

import java.util.List;

/**
 * A Numaflow reduce user-defined function: aggregates the datums of one {@code (window, keys)} group.
 *
 * <p>{@link #reduce} is called once per group, as soon as the group's first datum arrives, on a thread
 * of its own (never a gRPC transport thread). {@code datums} then delivers the group's datums in arrival
 * order, blocking until the next one arrives; iteration ends when the window closes. The returned
 * messages are sent to the platform once the window has closed.
 *
 * <p>Declared as a Spring bean, its scope is its lifetime: a singleton is shared by every group and must be
 * thread-safe; a {@code @Scope("prototype")} bean gets a fresh instance per group and may keep state in fields.
 *
 * <pre>{@code
 * @Bean
 * Reducer counter() {
 *     return (keys, datums, md) -> {
 *         long n = 0;
 *         for (Datum d : datums) n++;
 *         return Messages.of(Message.of(Long.toString(n).getBytes(UTF_8), keys));
 *     };
 * }
 * }</pre>
 */
@FunctionalInterface
public interface Reducer {

    /**
     * Reduces one group.
     *
     * @param keys the group's keys
     * @param datums the group's datums, single-pass and in arrival order; a reducer may stop early (the rest
     *     of the group is discarded)
     * @param metadata the group's window
     * @return the results; {@code null} is treated as {@link Messages#empty()}
     * @throws Exception ends the window's stream with an {@code INTERNAL} error reported to the platform
     */
    Messages reduce(List<String> keys, Iterable<Datum> datums, Metadata metadata) throws Exception;
}
