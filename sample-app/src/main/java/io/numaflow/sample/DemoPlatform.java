package io.numaflow.sample;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What every demo of the {@code demo} profile needs to play the platform: a gRPC connection to the UDF's own
 * socket, as the platform's {@code numa} container has, and a way to stop the application with the verdict.
 */
public final class DemoPlatform implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    private final ManagedChannel channel;

    /**
     * @param socket the UDF's socket
     */
    public DemoPlatform(Path socket) {
        channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollDomainSocketChannel.class).eventLoopGroup(group).usePlaintext().build();
    }

    /**
     * The connection to the UDF.
     *
     * @return the channel
     */
    public ManagedChannel channel() {
        return channel;
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /**
     * Stops the application: exit status 0 when the demo saw what it expected, 1 otherwise.
     *
     * @param context the application
     * @param correct the demo's verdict
     */
    public static void exit(ConfigurableApplicationContext context, boolean correct) {
        System.exit(SpringApplication.exit(context, () -> correct ? 0 : 1));
    }
}
