package io.numaflow.reducer.bench;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.numaflow.reducer.engine.DeferredWakeUps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hosts a {@code reduce.v1.Reduce} service the way the starter does: grpc-netty-shaded on a Unix domain socket
 * (epoll), one boss and one worker event loop, a fixed transport executor of {@code transportThreads}
 * threads (the starter's {@code max-threads}, default 4), 64 MiB max message size; then writes the
 * server-info file atomically (temp file + rename), which is the platform's "ready" signal. The engine's
 * transport executor is wrapped in {@link DeferredWakeUps}, as the auto-configuration does; the floor's is not
 * (it hands nothing to other threads).
 */
final class UdsServerHost {

    static final String END_MARKER = "U+005C__END__";
    static final int MAX_MESSAGE_SIZE = 64 * 1024 * 1024;

    private UdsServerHost() {
    }

    /** Serves until the JVM is killed; returns only on a startup failure. */
    static void serveForever(BindableService service, Path socket, Path serverInfoFile, int transportThreads,
            boolean wrapTransport) throws IOException, InterruptedException {
        Files.deleteIfExists(socket); // a benchmark owns its private socket path
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        AtomicInteger ids = new AtomicInteger();
        ExecutorService transport = Executors.newFixedThreadPool(transportThreads, r -> {
            Thread thread = new Thread(r, "grpc-transport-" + ids.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        Server server = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers)
                .executor(wrapTransport ? DeferredWakeUps.around(transport) : transport)
                .maxInboundMessageSize(MAX_MESSAGE_SIZE)
                .addService(service)
                .build()
                .start();
        writeServerInfo(serverInfoFile);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdownNow();
            try {
                Files.deleteIfExists(serverInfoFile);
                Files.deleteIfExists(socket);
            } catch (IOException ignored) {
                // best effort on the way out
            }
        }));
        server.awaitTermination();
        transport.shutdownNow();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    static void writeServerInfo(Path serverInfoFile) throws IOException {
        Path dir = serverInfoFile.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        String json = "{\"protocol\":\"uds\",\"language\":\"java\",\"minimum_numaflow_version\":\"1.4.0-z\","
                + "\"version\":\"1.0.0-SNAPSHOT\",\"metadata\":{}}" + END_MARKER;
        Path temp = Files.createTempFile(dir, ".server-info-", ".tmp");
        Files.writeString(temp, json, StandardCharsets.UTF_8);
        Files.move(temp, serverInfoFile, StandardCopyOption.ATOMIC_MOVE);
    }
}
