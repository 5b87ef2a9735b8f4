package io.numaflow.reducer.test;

import java.util.List;

/**
 * What an {@link io.numaflow.reducer.Accumulator} answered on one accumulator stream.
 *
 * <p>The UDF answered correctly by the time you hold one of these: every output carried a known source datum's
 * id and event time, every closed key run got one EOF after its outputs, and the stream ended with status OK.
 */
public final class AccumulatorResults {

    private final List<AccumulatedMessage> outputs;
    private final List<ClosedWindow> runs;

    AccumulatorResults(List<AccumulatedMessage> outputs, List<ClosedWindow> runs) {
        this.outputs = List.copyOf(outputs);
        this.runs = List.copyOf(runs);
    }

    /**
     * Every output, in arrival order.
     *
     * @return the outputs
     */
    public List<AccumulatedMessage> outputs() {
        return outputs;
    }

    /**
     * The outputs whose message keys are {@code keys}.
     *
     * @param keys the output keys to select
     * @return the matching outputs, in arrival order
     */
    public List<AccumulatedMessage> outputs(List<String> keys) {
        return outputs.stream().filter(output -> output.message().keys().equals(keys)).toList();
    }

    /**
     * The key runs (an OPEN to its EOF), in the order the platform closed them (explicit closes first, then those
     * the stream's end closed, in the order they were opened), each with the window its EOF carried and its
     * outputs' messages.
     *
     * @return the ended runs
     */
    public List<ClosedWindow> runs() {
        return runs;
    }
}
