/**
 * The API a Numaflow reduce UDF is written against: implement {@link io.numaflow.reducer.Reducer}.
 *
 * <p>This package depends on nothing but the JDK: no gRPC, no Spring.
 */
package io.numaflow.reducer;
