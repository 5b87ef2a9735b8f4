package io.numaflow.reducer.engine;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs reducer tasks, one per {@code (window, keys)} group, never on gRPC transport threads.
 *
 * <p>Two modes:
 * <ul>
 *   <li>{@link #threadPerGroup(Executor)}: every group gets a new thread at once, from an executor that makes
 *       one per task (virtual threads on Java 21+). Exactly the "one task per group" model.</li>
 *   <li>{@link #pooled(int)}: platform threads are a bounded resource (a Linux host typically allows about
 *       32,000 in all), so at most {@code poolSize} groups run at once and the others wait, buffering their
 *       datums. A waiting group whose buffer fills up is started at once on a thread of its own: otherwise
 *       it would pause its stream while the running groups wait for that stream's window to close.</li>
 * </ul>
 */
public final class GroupExecutor implements AutoCloseable {

    private static final AtomicInteger POOL_IDS = new AtomicInteger();

    private final Executor executor;
    private final ThreadPoolExecutor pool;
    private final ThreadFactory dedicatedThreads;

    private GroupExecutor(Executor executor, ThreadPoolExecutor pool, ThreadFactory dedicatedThreads) {
        this.executor = executor;
        this.pool = pool;
        this.dedicatedThreads = dedicatedThreads;
    }

    /**
     * Every group starts at once on a new thread of {@code threadPerTask}.
     *
     * @param threadPerTask an executor that starts a new (typically virtual) thread per task
     * @return the executor
     */
    public static GroupExecutor threadPerGroup(Executor threadPerTask) {
        return new GroupExecutor(threadPerTask, null, null);
    }

    /**
     * At most {@code poolSize} pooled platform threads, idle ones retired after a few seconds.
     *
     * @param poolSize how many groups run at once before groups wait (or overflow to threads of their own)
     * @return the executor
     */
    public static GroupExecutor pooled(int poolSize) {
        return pooled(poolSize, Duration.ofSeconds(5));
    }

    static GroupExecutor pooled(int poolSize, Duration keepAlive) {
        ThreadFactory threads = daemonThreads("numaflow-reducer-" + POOL_IDS.incrementAndGet() + "-");
        ThreadPoolExecutor pool = new ThreadPoolExecutor(
                poolSize, poolSize, keepAlive.toMillis(), TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), threads);
        pool.allowCoreThreadTimeOut(true);
        return new GroupExecutor(pool, pool, threads);
    }

    void start(GroupTask task) {
        executor.execute(task);
    }

    /** The group is starving its stream while it waits for a pooled thread: give it a thread now. */
    void startNow(GroupTask task) {
        if (dedicatedThreads != null) {
            dedicatedThreads.newThread(task).start();
        }
    }

    /** Interrupts running reducers and stops the pool; a no-op for an executor this class does not own. */
    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    // Daemon threads: a reducer stuck in user code must not keep the JVM alive past shutdown.
    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
