package io.numaflow.reducer.test;

import static io.numaflow.reducer.test.Udfs.bytes;
import static org.assertj.core.api.Assertions.assertThat;

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
import io.numaflow.reducer.engine.ReduceService;
import io.numaflow.reducer.engine.UdfErrorReporter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A UDF that begins its graceful shutdown (SIGTERM in a pod) while a window is in flight: the window still
 * completes, and the kit reports what the UDF sent, not the connection the UDF closed right after.
 */
class UdfShutdownTest {

    /**
     * The UDF closes the connection as soon as the last call ends; a client still writing flow-control frames
     * then can fail that write before it has read the call's trailers. A client that closed on that failed
     * write lost the window within the first few dozen rounds here.
     */
    static final int ROUNDS = 300;

    @TempDir
    Path dir;

    @Test
    void aWindowInFlightWhenTheUdfBeginsShuttingDownStillGetsItsResultsEveryTime() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            Path socket = dir.resolve(round + ".sock");
            try (UdfOnSocket udf = new UdfOnSocket(socket); ReduceClient platform = ReduceClient.connect(socket)) {
                AlignedWindow inFlight = platform.window(Instant.EPOCH, Duration.ofMinutes(1));
                inFlight.send(List.of("k"), bytes("1"));
                inFlight.send(List.of("k"), bytes("2"));

                udf.server.shutdown(); // GOAWAY: no new calls, the open one goes on
                inFlight.send(List.of("k"), bytes("3"));
                WindowResult result = inFlight.close();

                assertThat(result.messages()).extracting(Udfs::text).as("round %d", round).containsExactly("3");
                assertThat(udf.server.awaitTermination(10, TimeUnit.SECONDS)).as("round %d", round).isTrue();
            }
        }
    }

    /** The starter's engine on a bare grpc-java server, so that the test can begin its graceful shutdown. */
    private final class UdfOnSocket implements AutoCloseable {

        final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        final Server server;

        UdfOnSocket(Path socket) throws Exception {
            EngineSettings settings = new EngineSettings(GroupExecutor.threadPerGroup(task -> {
                Thread thread = new Thread(task);
                thread.setDaemon(true);
                thread.start();
            }), new UdfErrorReporter("udf", dir.resolve("errors"), Clock.systemUTC()), ReduceListener.NONE);
            server = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                    .channelType(EpollServerDomainSocketChannel.class)
                    .bossEventLoopGroup(loops)
                    .workerEventLoopGroup(loops)
                    .addService(ReduceService.reducer(Udfs::counter, settings))
                    .build()
                    .start();
        }

        @Override
        public void close() throws InterruptedException {
            server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }
}
