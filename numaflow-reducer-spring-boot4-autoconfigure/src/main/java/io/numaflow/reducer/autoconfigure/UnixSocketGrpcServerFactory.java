package io.numaflow.reducer.autoconfigure;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.util.List;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.grpc.server.ServerBuilderCustomizer;
import org.springframework.grpc.server.ShadedNettyGrpcServerFactory;

/**
 * Spring gRPC's shaded-Netty server factory, bound to the reducer's Unix socket with Spring-managed threads.
 *
 * <p>Spring gRPC's own factory creates epoll event loops for every server it builds and never shuts them down
 * (their threads outlive the context); here they, and the transport executor, are beans with destroy methods
 * ({@link UnixSocketTransport}). The socket path is checked before every bind, and the socket removed when the
 * factory is destroyed.
 */
class UnixSocketGrpcServerFactory extends ShadedNettyGrpcServerFactory implements DisposableBean {

    private final UnixSocketTransport transport;
    private final int maxInboundMessageSize;

    UnixSocketGrpcServerFactory(UnixSocketTransport transport, int maxInboundMessageSize,
            List<ServerBuilderCustomizer<NettyServerBuilder>> customizers) {
        // The address is only logged: newServerBuilder() binds the socket itself. No TLS on a Unix socket.
        super(transport.address(), customizers, null, null, null);
        this.transport = transport;
        this.maxInboundMessageSize = maxInboundMessageSize;
    }

    @Override
    public Server createServer() {
        transport.prepareSocket();
        return transport.created(super.createServer());
    }

    @Override
    protected NettyServerBuilder newServerBuilder() {
        return transport.newServerBuilder().maxInboundMessageSize(maxInboundMessageSize);
    }

    /** Waits for the server to terminate and removes the socket ({@link UnixSocketTransport#release()}). */
    @Override
    public void destroy() throws InterruptedException {
        transport.release();
    }
}
