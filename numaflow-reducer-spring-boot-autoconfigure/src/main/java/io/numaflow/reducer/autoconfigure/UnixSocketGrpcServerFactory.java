package io.numaflow.reducer.autoconfigure;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executor;
import net.devh.boot.grpc.server.config.GrpcServerProperties;
import net.devh.boot.grpc.server.serverfactory.GrpcServerConfigurer;
import net.devh.boot.grpc.server.serverfactory.ShadedNettyGrpcServerFactory;
import org.springframework.beans.factory.DisposableBean;

/**
 * net.devh's shaded-Netty server factory, bound to the reducer's Unix socket with Spring-managed threads.
 *
 * <p>net.devh's own factory creates epoll event loops for a {@code unix:} address and never shuts them down
 * (their threads outlive the context); here they, and the transport executor, are beans with destroy
 * methods. The socket path is checked before every bind, and the socket removed when the factory is destroyed.
 */
class UnixSocketGrpcServerFactory extends ShadedNettyGrpcServerFactory implements DisposableBean {

    private final Path socket;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Executor transport;
    private volatile boolean ownsSocket;

    UnixSocketGrpcServerFactory(GrpcServerProperties properties, List<GrpcServerConfigurer> configurers,
            Path socket, EventLoopGroup boss, EventLoopGroup workers, Executor transport) {
        super(properties, configurers);
        this.socket = socket;
        this.boss = boss;
        this.workers = workers;
        this.transport = transport;
    }

    @Override
    public Server createServer() {
        UnixSocketGuard.prepare(socket);
        ownsSocket = true;
        return super.createServer();
    }

    @Override
    protected NettyServerBuilder newServerBuilder() {
        return NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers)
                .executor(transport);
    }

    /** Removes the socket, unless the guard refused the path: then it may be another instance's. */
    @Override
    public void destroy() {
        if (ownsSocket) {
            UnixSocketGuard.remove(socket);
        }
    }
}
