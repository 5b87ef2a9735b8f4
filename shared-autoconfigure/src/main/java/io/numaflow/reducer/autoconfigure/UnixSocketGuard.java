package io.numaflow.reducer.autoconfigure;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the socket path safe to bind. Netty unlinks whatever sits at the path before binding, which would
 * silently orphan another live instance's socket or destroy a file: this runs first and refuses those cases.
 */
final class UnixSocketGuard {

    /** {@code sun_path} is 108 bytes on Linux, one of them the terminating NUL. */
    static final int MAX_PATH_BYTES = 107;

    private static final Logger log = LoggerFactory.getLogger(UnixSocketGuard.class);
    private static final String PROPERTY = "numaflow.reducer.socket-path";
    private static final int SOCKET_FILE_TYPE = 0140000; // S_IFSOCK
    private static final int FILE_TYPE_MASK = 0170000; // S_IFMT

    private UnixSocketGuard() {
    }

    /** Checks the path, creates its directory and removes a dead socket of an earlier run. */
    static void prepare(Path socket) {
        int length = socket.toString().getBytes(StandardCharsets.UTF_8).length;
        if (length > MAX_PATH_BYTES) {
            throw failure(PROPERTY + " '" + socket + "' is " + length + " bytes long; a Unix domain socket path"
                    + " can be at most " + MAX_PATH_BYTES + " bytes.", "Choose a shorter " + PROPERTY + ".", null);
        }
        Path directory = socket.toAbsolutePath().getParent();
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw failure("Cannot create the directory of " + PROPERTY + " '" + socket + "': " + e,
                    "Make " + directory + " writable, or point " + PROPERTY + " at a writable directory.", e);
        }
        if (!Files.isWritable(directory)) {
            throw failure("The directory of " + PROPERTY + " '" + socket + "' is not writable.",
                    "Make " + directory + " writable, or point " + PROPERTY + " at a writable directory.", null);
        }
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!isSocket(socket)) {
            throw failure(PROPERTY + " '" + socket + "' exists and is not a socket; refusing to replace it.",
                    "Remove the file, or point " + PROPERTY + " elsewhere.", null);
        }
        if (answers(socket)) {
            throw failure(PROPERTY + " '" + socket + "' is the socket of a running process (it accepts"
                    + " connections); refusing to take it over.",
                    "Stop the other instance, or point " + PROPERTY + " elsewhere.", null);
        }
        try {
            Files.delete(socket);
            log.info("Removed the dead socket {} left by an earlier run", socket);
        } catch (IOException e) {
            throw failure("Cannot remove the dead socket at " + PROPERTY + " '" + socket + "': " + e,
                    "Remove it by hand, or point " + PROPERTY + " elsewhere.", e);
        }
    }

    /** Removes the socket file if it is still there: a clean shutdown leaves nothing behind. */
    static void remove(Path socket) {
        try {
            if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS) && isSocket(socket)) {
                Files.delete(socket);
            }
        } catch (IOException e) {
            log.warn("Could not remove the socket {}: {}", socket, e.toString());
        }
    }

    private static boolean isSocket(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & FILE_TYPE_MASK) == SOCKET_FILE_TYPE;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static boolean answers(Path socket) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            return false; // ECONNREFUSED: nobody listens, the socket is dead
        }
    }

    private static ReducerStartupException failure(String description, String action, Throwable cause) {
        return new ReducerStartupException(description, action, cause);
    }
}
