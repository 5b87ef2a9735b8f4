package io.numaflow.reducer.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports a {@link ReducerStartupException} as Spring Boot's "APPLICATION FAILED TO START" message. */
class ReducerStartupFailureAnalyzer extends AbstractFailureAnalyzer<ReducerStartupException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ReducerStartupException cause) {
        return new FailureAnalysis(cause.getMessage(), cause.getAction(), cause);
    }
}
