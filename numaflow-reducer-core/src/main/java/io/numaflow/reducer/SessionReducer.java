package io.numaflow.reducer;

import java.util.List;

/**
 * A Numaflow reduce user-defined function for a session window: aggregates the datums of one session, the
 * datums of one key set that arrive without a gap of inactivity longer than the vertex's timeout.
 *
 * <p>Sessions change shape as late datums arrive, and the platform tells the UDF:
 * <ul>
 *   <li>a session <em>opens</em> with its first datum: a new instance's {@link #sessionReduce} is called, on a
 *       thread of its own, and {@code datums} delivers the session's datums as they arrive;</li>
 *   <li>it may <em>expand</em> (its window grows): nothing changes for the handler, later results simply carry
 *       the larger window;</li>
 *   <li>two or more sessions of the same keys may <em>merge</em> when a datum bridges the gap between them.
 *       Each merged session's {@code datums} then ends, its handler returns, and {@link #accumulator()} is
 *       asked for its state. A <strong>new</strong> instance receives each of those states through
 *       {@link #mergeAccumulator} (in the order the platform lists the sessions), then its own
 *       {@code sessionReduce} call, which receives the merged session's later datums. Whatever a merged-away
 *       session sends after its input ended is discarded: only the merged session's results count;</li>
 *   <li>a session <em>closes</em> when the gap passes: {@code datums} ends, and once the handler has returned,
 *       the session ends (the platform receives its end-of-window marker).</li>
 * </ul>
 *
 * <p>State lives in the instance, so the bean <strong>must be {@code @Scope("prototype")}</strong>: each
 * session (and each merged session) gets a fresh instance. The application fails to start with a singleton.
 *
 * <pre>{@code
 * @Bean @Scope("prototype")
 * SessionReducer clicksPerVisit() {
 *     return new SessionReducer() {
 *         private long count;
 *         public void sessionReduce(List<String> keys, Iterable<Datum> datums, Output output) {
 *             for (Datum d : datums) count++;
 *             output.send(Message.of(Long.toString(count).getBytes(UTF_8), keys));
 *         }
 *         public byte[] accumulator() { return Long.toString(count).getBytes(UTF_8); }
 *         public void mergeAccumulator(byte[] other) { count += Long.parseLong(new String(other, UTF_8)); }
 *     };
 * }
 * }</pre>
 */
public interface SessionReducer {

    /**
     * Reduces one session, sending results as it goes.
     *
     * @param keys the session's keys
     * @param datums the session's datums, single-pass and in arrival order; ends when the session closes or is
     *     merged into another
     * @param output where results go, each with the session's current window; usable until this method returns
     * @throws Exception ends the stream with an {@code INTERNAL} error reported to the platform
     */
    void sessionReduce(List<String> keys, Iterable<Datum> datums, Output output) throws Exception;

    /**
     * This session's state, for a merge: called after {@link #sessionReduce} returned because the session is
     * being merged into another.
     *
     * @return the state, in any encoding {@link #mergeAccumulator} of another instance understands
     * @throws Exception ends the stream with an {@code INTERNAL} error reported to the platform
     */
    byte[] accumulator() throws Exception;

    /**
     * Takes in the state of a session merged into this one: called on the new, merged session's instance,
     * once per merged session, before its {@link #sessionReduce}.
     *
     * @param accumulator what {@link #accumulator()} of a merged session returned
     * @throws Exception ends the stream with an {@code INTERNAL} error reported to the platform
     */
    void mergeAccumulator(byte[] accumulator) throws Exception;
}
