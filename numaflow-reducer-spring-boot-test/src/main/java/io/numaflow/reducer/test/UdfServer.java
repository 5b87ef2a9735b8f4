package io.numaflow.reducer.test;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.numaflow.reducer.engine.EngineSettings;
import io.numaflow.reducer.engine.GroupExecutor;
import io.numaflow.reducer.engine.ReduceListener;
import io.numaflow.reducer.engine.UdfErrorReporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A UDF served without Spring: the starter's engine service (or any hand-written one) on a grpc-netty-shaded
 * server bound to a Unix socket in a fresh temp directory, as the starter serves it in a pod.
 */
final class UdfServer implements AutoCloseable {

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Path dir;
    private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    private final Server server;

    /**
     * @param service builds the service from engine settings (a thread per group, errors persisted in the
     *     temp directory) as the starter configures them
     */
    UdfServer(Function<EngineSettings, BindableService> service) {
        dir = ShortTempDir.create();
        EngineSettings settings = new EngineSettings(GroupExecutor.threadPerGroup(task -> {
            Thread thread = new Thread(task, "numaflow-reducer-test-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            thread.start();
        }), new UdfErrorReporter(UdfErrorReporter.containerFromEnvironment(), dir.resolve("errors"),
                Clock.systemUTC()), ReduceListener.NONE);
        try {
            server = NettyServerBuilder.forAddress(new DomainSocketAddress(socket().toString()))
                    .channelType(EpollServerDomainSocketChannel.class)
                    .bossEventLoopGroup(boss)
                    .workerEventLoopGroup(workers)
                    .maxInboundMessageSize(64 * 1024 * 1024)
                    .addService(service.apply(settings))
                    .build()
                    .start();
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot serve on " + socket(), e);
        }
    }

    Path socket() {
        return dir.resolve("udf.sock");
    }

    @Override
    public void close() {
        if (server != null) {
            server.shutdownNow();
            try {
                server.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        ShortTempDir.delete(dir);
    }
}
