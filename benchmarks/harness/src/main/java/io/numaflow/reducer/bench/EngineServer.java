package io.numaflow.reducer.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.numaflow.reducer.Aggregator;
import io.numaflow.reducer.Datum;
import io.numaflow.reducer.Message;
import io.numaflow.reducer.Messages;
import io.numaflow.reducer.Metadata;
import io.numaflow.reducer.ReduceStreamer;
import io.numaflow.reducer.Reducer;
import io.numaflow.reducer.engine.EngineSettings;
import io.numaflow.reducer.engine.GroupExecutor;
import io.numaflow.reducer.engine.ReduceListener;
import io.numaflow.reducer.engine.ReduceService;
import io.numaflow.reducer.engine.UdfErrorReporter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * "Ours" until the Spring Boot auto-configuration lands: the starter's engine ({@link ReduceService}) hosted
 * the way the starter hosts it, serving a counting reducer (the datum count of each group) as a singleton bean
 * would.
 *
 * <p>Group tasks: {@code GroupExecutor.pooled(256)} on platform threads, what the auto-configuration chooses
 * on Java 17; with {@code virtual} (Java 21+ only) one virtual thread per group, what it chooses on Java 21+ by
 * default; with {@code platform} a new platform thread per group (Java 17: what "memory does not grow with
 * groups" would cost in threads).
 */
final class EngineServer {

    /** Pool size of the auto-configuration in progress for platform threads. */
    static final int PLATFORM_THREAD_POOL_SIZE = 256;

    /** The counter: one result per group, the datum count in decimal, with the group's keys. */
    static final Reducer COUNTER = (keys, datums, md) -> {
        long n = 0;
        for (Datum ignored : datums) {
            n++;
        }
        return Messages.of(Message.of(Long.toString(n).getBytes(UTF_8), keys));
    };

    /** The same counter as a {@link ReduceStreamer}: it sends its one result itself, as the window closes. */
    static final ReduceStreamer STREAMING_COUNTER = (keys, datums, output, md) -> {
        long n = 0;
        for (Datum ignored : datums) {
            n++;
        }
        output.send(Message.of(Long.toString(n).getBytes(UTF_8), keys));
    };

    /**
     * The same counter as an {@link Aggregator}: each datum is counted on the transport thread that received it,
     * into the group's {@code long[1]}.
     */
    static final Aggregator<long[]> AGGREGATING_COUNTER = new Aggregator<>() {
        @Override
        public long[] create(List<String> keys, Metadata metadata) {
            return new long[1];
        }

        @Override
        public long[] add(long[] count, Datum datum) {
            count[0]++;
            return count;
        }

        @Override
        public Messages result(List<String> keys, long[] count, Metadata metadata) {
            return Messages.of(Message.of(Long.toString(count[0]).getBytes(UTF_8), keys));
        }
    };

    private EngineServer() {
    }

    /** The engine serving {@link #COUNTER}. */
    static ReduceService service(String groupExecutor, Path errorDir) throws Throwable {
        return ReduceService.reducer(() -> COUNTER, settings(groupExecutor, errorDir));
    }

    /** The engine serving {@link #STREAMING_COUNTER}. */
    static ReduceService streamerService(String groupExecutor, Path errorDir) throws Throwable {
        return ReduceService.streamer(() -> STREAMING_COUNTER, settings(groupExecutor, errorDir));
    }

    /** The engine serving {@link #AGGREGATING_COUNTER} (the group executor is not used by this kind). */
    static ReduceService aggregatorService(String groupExecutor, Path errorDir) throws Throwable {
        return ReduceService.aggregator(() -> AGGREGATING_COUNTER, settings(groupExecutor, errorDir));
    }

    private static EngineSettings settings(String groupExecutor, Path errorDir) throws Throwable {
        GroupExecutor executor = switch (groupExecutor) {
            case "pooled" -> GroupExecutor.pooled(PLATFORM_THREAD_POOL_SIZE);
            case "virtual" -> GroupExecutor.threadPerGroup(virtualThreadPerTask());
            case "platform" -> GroupExecutor.threadPerGroup(EngineServer::startDaemonThread);
            default -> throw new IllegalArgumentException(
                    "group executor must be pooled, virtual or platform: " + groupExecutor);
        };
        return new EngineSettings(executor, new UdfErrorReporter("bench-udf", errorDir, Clock.systemUTC()),
                ReduceListener.NONE);
    }

    private static void startDaemonThread(Runnable task) {
        Thread thread = new Thread(task, "numaflow-reducer-group");
        thread.setDaemon(true);
        thread.start();
    }

    // Compiled for Java 17: reach Executors.newVirtualThreadPerTaskExecutor() (Java 21+) reflectively.
    private static Executor virtualThreadPerTask() throws Throwable {
        if (Runtime.version().feature() < 21) {
            throw new IllegalStateException("virtual threads need Java 21+, this is " + Runtime.version());
        }
        return (Executor) MethodHandles.publicLookup()
                .findStatic(java.util.concurrent.Executors.class, "newVirtualThreadPerTaskExecutor",
                        MethodType.methodType(java.util.concurrent.ExecutorService.class))
                .invoke();
    }
}
