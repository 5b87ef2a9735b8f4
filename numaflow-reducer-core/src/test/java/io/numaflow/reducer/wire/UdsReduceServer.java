package io.numaflow.reducer.wire;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** A plain grpc-netty-shaded server on a Unix domain socket, with a transport executor of a given size. */
public final class UdsReduceServer implements AutoCloseable {

    private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    private final ExecutorService transport;
    private final Server server;
    private final Path socket;

    public UdsReduceServer(Path socket, BindableService service, int transportThreads, int maxInboundMessageSize)
            throws IOException {
        this(socket, service, transportThreads, maxInboundMessageSize, UnaryOperator.identity());
    }

    /** As above, the server getting {@code hosting.apply(transport executor)} (e.g. {@code DeferredWakeUps::around}). */
    public UdsReduceServer(Path socket, BindableService service, int transportThreads, int maxInboundMessageSize,
            UnaryOperator<Executor> hosting) throws IOException {
        this.socket = socket;
        this.transport = Executors.newFixedThreadPool(transportThreads, r -> {
            Thread thread = new Thread(r, "test-transport");
            thread.setDaemon(true);
            return thread;
        });
        this.server = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers)
                .executor(hosting.apply(transport))
                .maxInboundMessageSize(maxInboundMessageSize)
                .addService(service)
                .build()
                .start();
    }

    public Path socket() {
        return socket;
    }

    /** Begins a graceful shutdown (what SIGTERM starts): no new calls, the open ones go on. */
    public void beginShutdown() {
        server.shutdown();
    }

    /** Whether the server terminated (every call ended) within {@code timeout}. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return server.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(10, TimeUnit.SECONDS);
        transport.shutdownNow();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }
}
