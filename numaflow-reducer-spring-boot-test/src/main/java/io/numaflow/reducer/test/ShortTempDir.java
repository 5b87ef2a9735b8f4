package io.numaflow.reducer.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A fresh temp directory whose path is short enough for a Unix socket inside it: the kernel limits a socket
 * path to 107 bytes, and some temp dirs (macOS's, a CI's) are deep.
 */
final class ShortTempDir {

    /** The longest Unix domain socket path (sun_path is 108 bytes with its terminating NUL). */
    static final int MAX_SOCKET_PATH_BYTES = 107;

    /** The longest file name the kit puts in the directory. */
    private static final int LONGEST_NAME = "server-info".length() + 1;

    private ShortTempDir() {
    }

    static Path create() {
        Path base = Path.of(System.getProperty("java.io.tmpdir"));
        Path tmp = Path.of("/tmp");
        if (bytes(base) + 12 + LONGEST_NAME > MAX_SOCKET_PATH_BYTES && Files.isDirectory(tmp) && Files.isWritable(tmp)) {
            base = tmp;
        }
        try {
            Path dir = Files.createTempDirectory(base, "nf");
            if (bytes(dir) + LONGEST_NAME > MAX_SOCKET_PATH_BYTES) {
                throw new IllegalStateException("no temp directory short enough for a Unix socket: " + dir
                        + " (a socket path is at most " + MAX_SOCKET_PATH_BYTES + " bytes); set java.io.tmpdir");
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp directory under " + base, e);
        }
    }

    /** Deletes {@code dir} and everything in it; what cannot be deleted is left (it is under the temp dir). */
    static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: a leftover temp directory is harmless
        }
    }

    private static int bytes(Path path) {
        return path.toString().getBytes(StandardCharsets.UTF_8).length;
    }
}
