package io.numaflow.reducer.test;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.numaflow.reducer.autoconfigure.ServerInfoFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC channel to the UDF's Unix socket, opened at first use: when there is a server-info file, only once
 * it holds the END marker, as the platform waits for it before it connects.
 */
final class UdfConnection implements AutoCloseable {

    /** The largest message the platform accepts by default. */
    private static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

    private final Path socket;
    private final Path serverInfoFile;
    private EventLoopGroup group;
    private ManagedChannel channel;
    private boolean closed;

    /**
     * @param socket the UDF's socket
     * @param serverInfoFile its handshake file, or {@code null} to connect at once
     */
    UdfConnection(Path socket, Path serverInfoFile) {
        this.socket = socket;
        this.serverInfoFile = serverInfoFile;
    }

    Path socket() {
        return socket;
    }

    synchronized ManagedChannel channel(Duration timeout) {
        if (closed) {
            throw new IllegalStateException("the ReduceClient is closed");
        }
        if (channel == null) {
            if (serverInfoFile != null) {
                awaitHandshake(timeout);
            }
            group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
            channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                    .channelType(EpollDomainSocketChannel.class)
                    .eventLoopGroup(group)
                    // A UDF shutting down closes the connection as soon as its last call ends. Netty would close
                    // the channel on the first failed write (a flow-control frame sent meanwhile), dropping the
                    // trailers already received; the platform reads to the end of the connection, so the kit does.
                    .withOption(ChannelOption.AUTO_CLOSE, false)
                    .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                    .usePlaintext()
                    .build();
        }
        return channel;
    }

    /** Waits for the END marker, woken by the file system (the file is written under a temp name, then renamed). */
    private void awaitHandshake(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            Files.createDirectories(serverInfoFile.toAbsolutePath().getParent());
            try (WatchService watcher = serverInfoFile.getFileSystem().newWatchService()) {
                serverInfoFile.toAbsolutePath().getParent().register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_MODIFY);
                while (!handshakeWritten()) {
                    long left = deadline - System.nanoTime();
                    var key = left > 0 ? watcher.poll(left, TimeUnit.NANOSECONDS) : null;
                    if (key == null) {
                        throw new AssertionError("The UDF did not complete the platform's handshake within " + timeout
                                + ": " + serverInfoFile + " does not end with " + ServerInfoFile.END_MARKER
                                + " (is the application's reduce bean declared, and numaflow.reducer.enabled true?)");
                    }
                    key.pollEvents();
                    key.reset();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot watch " + serverInfoFile, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + serverInfoFile, e);
        }
    }

    private boolean handshakeWritten() throws IOException {
        try {
            return Files.readString(serverInfoFile).endsWith(ServerInfoFile.END_MARKER);
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (channel != null) {
            channel.shutdownNow();
            try {
                channel.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
    }
}
