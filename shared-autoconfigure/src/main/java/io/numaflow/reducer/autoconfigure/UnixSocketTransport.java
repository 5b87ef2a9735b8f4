package io.numaflow.reducer.autoconfigure;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reducer's gRPC transport on its Unix socket, for the server factory of either Spring Boot line: the socket
 * is guarded before every bind, the server is built on the context's own event loops and executor, and on
 * release the server is awaited and the socket removed.
 */
final class UnixSocketTransport {

    private static final Logger log = LoggerFactory.getLogger(UnixSocketTransport.class);
    private static final int TERMINATION_TIMEOUT_SECONDS = 10;

    private final Path socket;
    private final EpollEventLoops eventLoops;
    private final Executor transport;
    private volatile boolean ownsSocket;
    private volatile Server server;

    UnixSocketTransport(Path socket, EpollEventLoops eventLoops, Executor transport) {
        this.socket = socket;
        this.eventLoops = eventLoops;
        this.transport = transport;
    }

    /** The socket as a gRPC target, {@code unix:<path>}. */
    String address() {
        return "unix:" + socket;
    }

    /** Makes the path safe to bind (see {@link UnixSocketGuard}); from then on the socket is this server's. */
    void prepareSocket() {
        UnixSocketGuard.prepare(socket);
        ownsSocket = true;
    }

    /** A builder bound to the socket, with the context's event loops and transport executor. */
    NettyServerBuilder newServerBuilder() {
        return NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(eventLoops.boss())
                .workerEventLoopGroup(eventLoops.workers())
                .executor(transport);
    }

    /** Remembers the server built on this transport, for {@link #release()}. */
    Server created(Server created) {
        server = created;
        return created;
    }

    /**
     * Waits for the server to terminate, then removes the socket unless the guard refused the path (it may be
     * another instance's).
     *
     * <p>The gRPC server lifecycles of both lines end with {@code shutdownNow()} but do not wait for it: without
     * this wait the event loops and executor, destroyed right after, would go before the calls still open (a
     * reducer stuck past the grace period) were cancelled on the wire, and the server would never terminate.
     */
    void release() throws InterruptedException {
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
