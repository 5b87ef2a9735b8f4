package io.numaflow.reducer.bench;

import java.nio.file.Path;

/**
 * Entry point of a server under test, one per JVM:
 * {@code ServerMain floor|ours|streamer|aggregator <socket-path> <server-info-file> [transport-threads] [pooled|virtual|platform]}.
 */
public final class ServerMain {

    private ServerMain() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length < 3) {
            System.err.println("usage: ServerMain floor|ours|streamer|aggregator <socket-path> <server-info-file> "
                    + "[transport-threads (4)] [pooled|virtual|platform (pooled)]");
            System.exit(2);
        }
        Path socket = Path.of(args[1]);
        Path info = Path.of(args[2]);
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        String groupExecutor = args.length > 4 ? args[4] : "pooled";
        switch (args[0]) {
            case "floor" -> UdsServerHost.serveForever(new FloorServer(args.length > 4 ? Integer.parseInt(args[4]) : 0),
                    socket, info, threads, false);
            case "ours" -> UdsServerHost.serveForever(
                    EngineServer.service(groupExecutor, info.toAbsolutePath().getParent().resolve("errors")),
                    socket, info, threads, true);
            case "streamer" -> UdsServerHost.serveForever(
                    EngineServer.streamerService(groupExecutor, info.toAbsolutePath().getParent().resolve("errors")),
                    socket, info, threads, true);
            case "aggregator" -> UdsServerHost.serveForever(
                    EngineServer.aggregatorService(groupExecutor, info.toAbsolutePath().getParent().resolve("errors")),
                    socket, info, threads, true);
            default -> {
                System.err.println("unknown server " + args[0]);
                System.exit(2);
            }
        }
    }
}
