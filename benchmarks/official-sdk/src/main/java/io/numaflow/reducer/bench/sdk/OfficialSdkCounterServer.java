package io.numaflow.reducer.bench.sdk;

import io.numaproj.numaflow.reducer.Datum;
import io.numaproj.numaflow.reducer.GRPCConfig;
import io.numaproj.numaflow.reducer.Message;
import io.numaproj.numaflow.reducer.MessageList;
import io.numaproj.numaflow.reducer.Metadata;
import io.numaproj.numaflow.reducer.Reducer;
import io.numaproj.numaflow.reducer.ReducerFactory;
import io.numaproj.numaflow.reducer.Server;
import java.nio.charset.StandardCharsets;

/**
 * The benchmarks' counting reducer served by the official Numaflow Java SDK ({@code numaflow-java}), exactly
 * as an SDK user would write it: one {@code Reducer} instance per {@code (window, keys)} group, counting in
 * {@code addMessage} and answering the count in {@code getOutput}.
 *
 * <p>Usage: {@code OfficialSdkCounterServer <socket-path> <server-info-file>}. Runs until killed.
 */
public final class OfficialSdkCounterServer {

    private OfficialSdkCounterServer() {
    }

    /** Counts the group's datums; the result value is the count in decimal, with the group's keys. */
    public static final class Counter extends Reducer {
        private long count;

        @Override
        public void addMessage(String[] keys, Datum datum, Metadata metadata) {
            count++;
        }

        @Override
        public MessageList getOutput(String[] keys, Metadata metadata) {
            return MessageList.newBuilder()
                    .addMessage(new Message(Long.toString(count).getBytes(StandardCharsets.UTF_8), keys))
                    .build();
        }
    }

    /** A fresh counter per group. */
    public static final class CounterFactory extends ReducerFactory<Counter> {
        @Override
        public Counter createReducer() {
            return new Counter();
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: OfficialSdkCounterServer <socket-path> <server-info-file>");
            System.exit(2);
        }
        GRPCConfig config = GRPCConfig.newBuilder()
                .socketPath(args[0])
                .infoFilePath(args[1])
                .maxMessageSize(64 * 1024 * 1024)
                .build();
        Server server = new Server(new CounterFactory(), config);
        server.start();
        server.awaitTermination();
    }
}
