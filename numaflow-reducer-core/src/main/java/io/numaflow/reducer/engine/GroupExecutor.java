package io.numaflow.reducer.engine;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs handler tasks, one per unit (a {@code (window, keys)} group, a session, an accumulator key run), never
 * on gRPC transport threads. No unit waits for another to end:
 * <ul>
 *   <li>{@link #threadPerGroup(Executor)}: every task starts at once on a new thread of an executor that makes
 *       one per task (virtual threads on Java 21+).</li>
 *   <li>{@link #pooled(int)}, platform threads. A unit whose output the platform reads while it is open (a
 *       streamer's group, a session, an accumulator key run) starts at once, on an idle thread or a new one:
 *       it holds that thread until the platform closes it, so thousands of open keys are thousands of
 *       threads. A {@code Reducer}'s group, whose results only go out when its window closes, takes one of at
 *       most {@code poolSize} pooled threads, and otherwise buffers its datums until one is free; it starts on
 *       a thread of its own as soon as its buffer fills or its window closes, so it never waits for a group
 *       of another window, and a window of 50,000 keys does not need 50,000 threads.</li>
 * </ul>
 * A thread that cannot be started (the process is at the OS's thread limit) refuses the task with a {@link
 * RejectedExecutionException} that says so: the engine ends that stream with it.
 */
public final class GroupExecutor implements AutoCloseable {

    private static final AtomicInteger POOL_IDS = new AtomicInteger();

    private final Executor atOnce;
    private final ThreadPoolExecutor elastic; // the platform threads behind atOnce; null for virtual threads
    private final ThreadPoolExecutor pool; // Reducer groups; null for virtual threads

    private GroupExecutor(Executor atOnce, ThreadPoolExecutor elastic, ThreadPoolExecutor pool) {
        this.atOnce = atOnce;
        this.elastic = elastic;
        this.pool = pool;
    }

    /**
     * Every task starts at once on a new thread of {@code threadPerTask}.
     *
     * @param threadPerTask an executor that starts a new (typically virtual) thread per task
     * @return the executor
     */
    public static GroupExecutor threadPerGroup(Executor threadPerTask) {
        return new GroupExecutor(Objects.requireNonNull(threadPerTask, "threadPerTask"), null, null);
    }

    /**
     * Platform threads: a thread per open unit whose output is read while it is open, and at most {@code
     * poolSize} pooled threads for {@code Reducer} groups; idle threads retire after a minute.
     *
     * @param poolSize how many {@code Reducer} groups run at once before further ones buffer their datums
     * @return the executor
     */
    public static GroupExecutor pooled(int poolSize) {
        return pooled(poolSize, Duration.ofMinutes(1));
    }

    static GroupExecutor pooled(int poolSize, Duration keepAlive) {
        return pooled(poolSize, keepAlive, daemonThreads("numaflow-reducer-" + POOL_IDS.incrementAndGet() + "-"));
    }

    static GroupExecutor pooled(int poolSize, Duration keepAlive, ThreadFactory threads) {
        ThreadPoolExecutor elastic = new ThreadPoolExecutor(0, Integer.MAX_VALUE, keepAlive.toMillis(),
                TimeUnit.MILLISECONDS, new SynchronousQueue<>(), threads);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(poolSize, poolSize, keepAlive.toMillis(),
                TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), threads);
        pool.allowCoreThreadTimeOut(true);
        return new GroupExecutor(elastic, elastic, pool);
    }

    /**
     * Starts a unit's task.
     *
     * @param task the task
     * @param atOnce whether it must start now (its output is read while it is open) rather than take a turn
     *     in the bounded pool
     * @throws RejectedExecutionException when the executor is shut down, or no thread can be started
     */
    void start(GroupTask<?> task, boolean atOnce) {
        execute(atOnce || pool == null ? this.atOnce : pool, task);
    }

    /** The task waits for a pooled thread, but must not any longer: its buffer is full. */
    void startNow(GroupTask<?> task) {
        if (pool != null) {
            execute(atOnce, task);
        }
    }

    /**
     * Runs the tasks of a closed window that still wait for a pooled thread, one after the other on a thread
     * of their own: their input is closed, so each runs to its end, and none waits for the running groups of
     * windows still open. A task the pool starts meanwhile is skipped.
     */
    void drain(List<GroupTask<?>> waiting) {
        if (pool != null && !waiting.isEmpty()) {
            execute(atOnce, () -> waiting.forEach(GroupTask::run));
        }
    }

    private static void execute(Executor executor, Runnable task) {
        try {
            executor.execute(task);
        } catch (OutOfMemoryError noThread) {
            // Thread.start's "unable to create native thread": the process is at the OS's thread limit.
            throw new RejectedExecutionException(noThread.getMessage(), noThread);
        }
    }

    /** Interrupts running handlers and stops the pools; a no-op for an executor this class does not own. */
    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
            elastic.shutdownNow();
        }
    }

    // Daemon threads: a handler stuck in user code must not keep the JVM alive past shutdown.
    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
