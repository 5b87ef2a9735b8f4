package io.numaflow.reducer.engine;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Whether a handler's output may still send: open while the handler runs; closed when it returns (a send then
 * is a bug in the handler: {@link IllegalStateException}); muted when its results no longer count (a session
 * merged into another), so that what it still sends is dropped quietly. The stream's own end is checked where
 * the response is written.
 *
 * <p>A handler may send from helper threads. Closing waits for the sends already admitted to be written, so
 * that every result a handler's threads sent before it returned goes out before the unit's EOF, and every
 * send after its return throws: none can slip in between, after the EOF, where the platform no longer reads.
 */
final class OutputGate {

    private enum State { OPEN, MUTED, CLOSED }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition drained = lock.newCondition();
    private State state = State.OPEN; // guarded by lock
    private int sending; // admitted sends not yet written; guarded by lock

    /**
     * Writes one send, if the gate admits it.
     *
     * @param write writes the response (it may wait for the platform to read)
     * @throws IllegalStateException once the handler has returned
     */
    void pass(Runnable write) {
        lock.lock();
        try {
            if (state == State.CLOSED) {
                throw new IllegalStateException("the handler has returned: its output is closed");
            }
            if (state == State.MUTED) {
                return;
            }
            sending++;
        } finally {
            lock.unlock();
        }
        try {
            write.run();
        } finally {
            lock.lock();
            try {
                if (--sending == 0) {
                    drained.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    void mute() {
        lock.lock();
        try {
            if (state == State.OPEN) {
                state = State.MUTED;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes the gate once the sends it admitted are written. A send waiting for the platform to read ends
     * when the stream ends too, so this never outlives the stream.
     */
    void close() {
        lock.lock();
        try {
            state = State.CLOSED;
            while (sending > 0) {
                drained.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The handler with this gate closed as soon as it returns, before its result is seen by anyone.
     *
     * @param handler the user's code for one group
     * @return the same handler, closing this gate on its way out
     */
    <T> GroupTask.Handler<T> closingAfter(GroupTask.Handler<T> handler) {
        return datums -> {
            try {
                return handler.handle(datums);
            } finally {
                close();
            }
        };
    }
}
