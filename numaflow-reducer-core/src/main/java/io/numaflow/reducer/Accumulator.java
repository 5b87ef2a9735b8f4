package io.numaflow.reducer;

import java.util.List;

/**
 * A Numaflow accumulator user-defined function (platform 1.5+): per key, an unbounded, ordered stream of
 * datums, for stateful work such as re-ordering events by event time or running aggregates.
 *
 * <p>{@link #accumulate} is called once per key run, when the platform opens the key, on a thread of its own.
 * {@code datums} delivers the key's datums in arrival order, blocking until the next arrives; iteration ends
 * when the platform closes the key (no datum for the vertex's timeout). A later datum for the same keys starts
 * a new run, with a new instance for a {@code @Scope("prototype")} bean.
 *
 * <p>Every output is {@linkplain AccumulatorOutput#send anchored} to an input datum, whose id, event time and
 * watermark it carries. Datums arrive in arrival order, not event-time order: to re-order, buffer them and
 * release those whose event time is at or before the latest {@link Datum#watermark()} (the platform promises
 * no older datum after it); when the key closes, release what is left (the platform closes a key only once the
 * watermark has passed its last event time by the vertex's timeout):
 *
 * <pre>{@code
 * @Bean @Scope("prototype")
 * Accumulator sorter() {
 *     return (keys, datums, output) -> {
 *         PriorityQueue<Datum> pending = new PriorityQueue<>(Comparator.comparing(Datum::eventTime));
 *         for (Datum d : datums) {
 *             pending.add(d);
 *             while (!pending.isEmpty() && !pending.peek().eventTime().isAfter(d.watermark())) {
 *                 output.forward(pending.poll());
 *             }
 *         }
 *         while (!pending.isEmpty()) {
 *             output.forward(pending.poll());
 *         }
 *     };
 * }
 * }</pre>
 *
 * <p>Scope is lifetime: a singleton is shared by every key run and must be thread-safe.
 */
@FunctionalInterface
public interface Accumulator {

    /**
     * Processes one key run.
     *
     * @param keys the keys
     * @param datums the key's datums, single-pass and in arrival order, until the platform closes the key
     * @param output where outputs go; usable until this method returns
     * @throws Exception ends the stream with an {@code INTERNAL} error reported to the platform
     */
    void accumulate(List<String> keys, Iterable<Datum> datums, AccumulatorOutput output) throws Exception;
}
