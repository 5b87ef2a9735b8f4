package io.numaflow.reducer.autoconfigure;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import net.devh.boot.grpc.server.config.GrpcServerProperties;
import net.devh.boot.grpc.server.serverfactory.GrpcServerConfigurer;
import net.devh.boot.grpc.server.serverfactory.ShadedNettyGrpcServerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

/**
 * net.devh's shaded-Netty server factory, bound to the reducer's Unix socket with Spring-managed threads.
 *
 * <p>net.devh's own factory creates epoll event loops for a {@code unix:} address and never shuts them down
 * (their threads outlive the context); here they, and the transport executor, are beans with destroy
 * methods. The socket path is checked before every bind, and the socket removed when the factory is destroyed.
 */
class UnixSocketGrpcServerFactory extends ShadedNettyGrpcServerFactory implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(UnixSocketGrpcServerFactory.class);
    private static final int TERMINATION_TIMEOUT_SECONDS = 10;

    private final Path socket;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Executor transport;
    private volatile boolean ownsSocket;
    private volatile Server server;

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
        server = super.createServer();
        return server;
    }

    @Override
    protected NettyServerBuilder newServerBuilder() {
        return NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers)
                .executor(transport);
    }

    /**
     * Waits for the server to terminate, then removes the socket unless the guard refused the path (it may be
     * another instance's).
     *
     * <p>net.devh's lifecycle ends with {@code shutdownNow()} but does not wait for it: without this wait the
     * event loops and executor, destroyed right after this bean, would go before the calls still open (a
     * reducer stuck past the grace period) were cancelled on the wire, and the server would never terminate.
     */
    @Override
    public void destroy() throws InterruptedException {
        Server created = server;
        if (created != null) {
            created.shutdownNow();
            if (!created.awaitTermination(TERMINATION_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                log.warn("The gRPC server did not terminate within {} s", TERMINATION_TIMEOUT_SECONDS);
            }
        }
        if (ownsSocket) {
            UnixSocketGuard.remove(socket);
        }
    }
}
