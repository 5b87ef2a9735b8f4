package io.numaflow.reducer.wire;

import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes what a test opened (clients, servers, executors) after each test, the last opened first, so a client
 * goes before its server and a server before the executor its service runs on. Register it as a field with
 * {@code @RegisterExtension}.
 */
public final class Closer implements AfterEachCallback {

    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    /** Closes {@code closeable} after the test; returns it. */
    public <T extends AutoCloseable> T add(T closeable) {
        opened.push(closeable);
        return closeable;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Exception failure = null;
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
