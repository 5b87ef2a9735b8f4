package io.numaflow.reducer.autoconfigure;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.util.List;
import net.devh.boot.grpc.server.config.GrpcServerProperties;
import net.devh.boot.grpc.server.serverfactory.GrpcServerConfigurer;
import net.devh.boot.grpc.server.serverfactory.ShadedNettyGrpcServerFactory;
import org.springframework.beans.factory.DisposableBean;

/**
 * net.devh's shaded-Netty server factory, bound to the reducer's Unix socket with Spring-managed threads.
 *
 * <p>net.devh's own factory creates epoll event loops for a {@code unix:} address and never shuts them down
 * (their threads outlive the context); here they, and the transport executor, are beans with destroy
 * methods ({@link UnixSocketTransport}). The socket path is checked before every bind, and the socket removed when
 * the factory is destroyed.
 */
class UnixSocketGrpcServerFactory extends ShadedNettyGrpcServerFactory implements DisposableBean {

    private final UnixSocketTransport transport;

    UnixSocketGrpcServerFactory(GrpcServerProperties properties, List<GrpcServerConfigurer> configurers,
            UnixSocketTransport transport) {
        super(properties, configurers);
        this.transport = transport;
    }

    @Override
    public Server createServer() {
        transport.prepareSocket();
        return transport.created(super.createServer());
    }

    @Override
    protected NettyServerBuilder newServerBuilder() {
        return transport.newServerBuilder();
    }

    /** Waits for the server to terminate and removes the socket ({@link UnixSocketTransport#release()}). */
    @Override
    public void destroy() throws InterruptedException {
        transport.release();
    }
}
