/**
 * The API a Numaflow reduce UDF is written against. Implement the one that matches the reduce vertex's window:
 * <ul>
 *   <li>{@link io.numaflow.reducer.Reducer}: fixed or sliding windows, results when the window closes;</li>
 *   <li>{@link io.numaflow.reducer.Aggregator}: fixed or sliding windows like a {@code Reducer}, each datum
 *       folded into a small state as it arrives (counts, sums, min/max, top-N): no thread per group;</li>
 *   <li>{@link io.numaflow.reducer.ReduceStreamer}: fixed or sliding windows with {@code streaming: true},
 *       results as they are produced;</li>
 *   <li>{@link io.numaflow.reducer.SessionReducer}: session windows;</li>
 *   <li>{@link io.numaflow.reducer.Accumulator}: accumulator windows.</li>
 * </ul>
 *
 * <p>This package depends on nothing but the JDK: no gRPC, no Spring.
 */
package io.numaflow.reducer;
