package io.numaflow.reducer.autoconfigure;

/**
 * A configuration problem that stops the reduce UDF from starting, with what to do about it.
 * {@link ReducerStartupFailureAnalyzer} shows it to the user instead of a stack trace.
 */
public class ReducerStartupException extends RuntimeException {

    private final String action;

    /**
     * @param description what is wrong, naming the property involved
     * @param action what the user should do
     * @param cause the underlying error, if any
     */
    public ReducerStartupException(String description, String action, Throwable cause) {
        super(description, cause);
        this.action = action;
    }

    /**
     * What the user should do.
     *
     * @return the suggested action
     */
    public String getAction() {
        return action;
    }
}
