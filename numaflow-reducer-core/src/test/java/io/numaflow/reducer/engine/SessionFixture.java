package io.numaflow.reducer.engine;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.numaflow.reducer.Datum;
import io.numaflow.reducer.Message;
import io.numaflow.reducer.Output;
import io.numaflow.reducer.SessionReducer;
import io.numaflow.reducer.wire.RawReduceDriver;
import io.numaflow.reducer.wire.SessionCall;
import io.numaflow.reducer.wire.UdsReduceServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A session reduce server on a real Unix socket with a client connected to it, and the session reducers the
 * session tests use.
 */
final class SessionFixture implements AutoCloseable {

    private final GroupExecutor executor = GroupExecutor.pooled(64, Duration.ofMillis(200));
    private final UdsReduceServer server;
    private final RawReduceDriver client;
    final GroupCounter groups = new GroupCounter();
    final EngineFaultsTest.CountingListener streams = new EngineFaultsTest.CountingListener();

    SessionFixture(Path dir, Supplier<? extends SessionReducer> reducers) throws Exception {
        Path socket = dir.resolve("session.sock");
        server = new UdsReduceServer(socket, new SessionReduceService(reducers, new EngineSettings(executor,
                new UdfErrorReporter("udf", dir.resolve("errors"), Clock.systemUTC()),
                ReduceListener.of(List.of(groups, streams)))), 2, 4 * 1024 * 1024);
        client = new RawReduceDriver(socket);
    }

    /** A new {@code SessionReduceFn} stream. */
    SessionCall call() {
        return SessionCall.open(client.channel());
    }

    RawReduceDriver client() {
        return client;
    }

    @Override
    public void close() throws Exception {
        client.close();
        server.close();
        executor.close();
    }

    /**
     * Keeps every value of its session in order; sends one result {@code v1,v2,...} when its input ends. Its
     * accumulator is that list, and a merge appends the other session's list: a merged session's result shows
     * in which order states were folded in.
     */
    static class Concat implements SessionReducer {
        final List<String> values = new ArrayList<>();

        @Override
        public void sessionReduce(List<String> keys, Iterable<Datum> datums, Output output) throws Exception {
            for (Datum datum : datums) {
                values.add(new String(datum.value(), UTF_8));
            }
            output.send(Message.of(String.join(",", values).getBytes(UTF_8), keys));
        }

        @Override
        public byte[] accumulator() {
            return String.join(",", values).getBytes(UTF_8);
        }

        @Override
        public void mergeAccumulator(byte[] accumulator) {
            String state = new String(accumulator, UTF_8);
            if (!state.isEmpty()) {
                values.addAll(Arrays.asList(state.split(",")));
            }
        }
    }

    /** Sends {@code echo:<value>} for every datum as it arrives, and nothing at the end. */
    static final class Echo extends Concat {
        @Override
        public void sessionReduce(List<String> keys, Iterable<Datum> datums, Output output) {
            for (Datum datum : datums) {
                output.send(Message.of(("echo:" + new String(datum.value(), UTF_8)).getBytes(UTF_8), keys));
            }
        }
    }

    /** Counts groups (sessions) opened and closed; {@code streams} counts the rest. */
    static final class GroupCounter implements ReduceListener {
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();

        @Override
        public void groupOpened() {
            opened.incrementAndGet();
        }

        @Override
        public void groupClosed() {
            closed.incrementAndGet();
        }

        int open() {
            return opened.get() - closed.get();
        }
    }

}
