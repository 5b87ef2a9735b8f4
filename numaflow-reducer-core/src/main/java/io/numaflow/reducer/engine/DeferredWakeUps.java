package io.numaflow.reducer.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Wakes parked reducers, and starts new groups' tasks, once per transport task instead of once per datum.
 *
 * <p>gRPC runs a call's callbacks through a serializing executor that delivers every message queued for the
 * call in one task on the transport executor. Without this class, each datum handed to a parked reducer
 * costs a futex wake-up, and on a busy host a context switch of the transport thread as well (measured:
 * 0.6 context switches per datum in {@code few_keys}, most of the engine's CPU). Wrapped by {@link
 * #around(Executor)}, the transport executor runs each task in a <em>batch scope</em>: a {@link
 * DatumChannel} whose consumer is parked registers here instead of signalling, and every registered
 * consumer is woken when the task ends, before the transport thread takes other work or goes idle, or after
 * the request that brought {@value #MAX_DEFERRED} of them together ({@link #wakeIfMany()}). So no reducer waits for datums that have arrived longer
 * than the rest of the current task (or the next few dozen messages of a long one), and nothing spins.
 * A group's task is started the same way: it then begins with the datums of the task already in its channel
 * instead of parking on an empty one, and a burst of new groups wakes an idle reducer thread (a carrier of
 * virtual threads, a pooled thread) once, not once per group.
 * Outside a scope (the service hosted on an unwrapped executor) channels signal, and tasks start, at once.
 */
public final class DeferredWakeUps {

    /**
     * Consumers woken together at most: a task that keeps receiving (a busy stream, many groups) wakes the
     * deferred ones every this many, rather than let their datums pile up until it ends.
     */
    static final int MAX_DEFERRED = 32;

    // One per transport thread, reused by all its tasks: nothing is allocated per task.
    private static final ThreadLocal<DeferredWakeUps> SCOPE = ThreadLocal.withInitial(DeferredWakeUps::new);

    private final List<Runnable> pending = new ArrayList<>(); // wake-ups and starts, in the order deferred
    private boolean active;

    private DeferredWakeUps() {
    }

    /**
     * The transport executor for a gRPC server that hosts {@link ReduceService}: runs every task of {@code
     * transport} in a batch scope.
     *
     * @param transport the executor gRPC runs the calls' callbacks on
     * @return an executor that delegates to {@code transport}
     */
    public static Executor around(Executor transport) {
        Objects.requireNonNull(transport, "transport");
        return task -> transport.execute(() -> runInScope(task));
    }

    private static void runInScope(Runnable task) {
        DeferredWakeUps scope = SCOPE.get();
        if (scope.active) {
            task.run(); // nested: the outer scope wakes
            return;
        }
        scope.active = true;
        try {
            task.run();
        } finally {
            scope.active = false;
            scope.wakeAll();
        }
    }

    /**
     * Registers a hand-off (a parked consumer's wake-up, a group task's start) to run when the current task ends.
     *
     * @return {@code false} when the calling thread runs no task in a batch scope: the caller hands off itself
     */
    static boolean defer(Runnable handOff) {
        DeferredWakeUps scope = SCOPE.get();
        if (!scope.active) {
            return false;
        }
        scope.pending.add(handOff);
        return true;
    }

    /**
     * Runs the deferred hand-offs now if there are many: called after each request, holding no lock (a hand-off
     * takes a channel's lock, and a refused start ends the call).
     */
    static void wakeIfMany() {
        DeferredWakeUps scope = SCOPE.get();
        if (scope.pending.size() >= MAX_DEFERRED) {
            scope.wakeAll();
        }
    }

    private void wakeAll() {
        for (Runnable handOff : pending) {
            handOff.run();
        }
        pending.clear();
    }
}
