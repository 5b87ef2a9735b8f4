package io.numaflow.reducer.autoconfigure;

import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.DisposableBean;

/**
 * The gRPC server's epoll event loops, owned by the application context so that their (non-daemon) threads
 * end with it. One worker thread: the platform talks to the UDF over a single connection.
 */
class EpollEventLoops implements DisposableBean {

    private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1,
            new DefaultThreadFactory("numaflow-grpc-boss", false), EpollIoHandler.newFactory());
    private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(1,
            new DefaultThreadFactory("numaflow-grpc-worker", false), EpollIoHandler.newFactory());

    EventLoopGroup boss() {
        return boss;
    }

    EventLoopGroup workers() {
        return workers;
    }

    /** The server has stopped by now: no quiet period is needed, unlike Netty's default of two seconds. */
    @Override
    public void destroy() throws InterruptedException {
        boss.shutdownGracefully(0, 5, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 5, TimeUnit.SECONDS);
        boss.terminationFuture().await(10, TimeUnit.SECONDS);
        workers.terminationFuture().await(10, TimeUnit.SECONDS);
    }
}
