package io.numaflow.reducer.engine;

import java.util.Set;
import java.util.stream.Collectors;

/** The live threads that run handler tasks ({@code numaflow-reducer-*}): for tests that nothing leaks. */
final class ReducerThreads {

    private ReducerThreads() {
    }

    static Set<Thread> now() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("numaflow-reducer-") && t.isAlive())
                .collect(Collectors.toSet());
    }

    /** Those alive now that were not in {@code before}. */
    static Set<Thread> since(Set<Thread> before) {
        Set<Thread> now = now();
        now.removeAll(before);
        return now;
    }
}
