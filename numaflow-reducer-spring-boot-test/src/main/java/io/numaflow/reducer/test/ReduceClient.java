package io.numaflow.reducer.test;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.numaflow.reducer.Accumulator;
import io.numaflow.reducer.Aggregator;
import io.numaflow.reducer.ReduceStreamer;
import io.numaflow.reducer.Reducer;
import io.numaflow.reducer.SessionReducer;
import io.numaflow.reducer.engine.AccumulatorService;
import io.numaflow.reducer.engine.ReduceService;
import io.numaflow.reducer.engine.SessionReduceService;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Plays the Numaflow platform against a reduce UDF, over the UDF's real gRPC Unix socket, so that a test drives
 * the UDF exactly as a reduce vertex will, without Kubernetes.
 *
 * <p>What it drives, by the kind of UDF:
 * <ul>
 *   <li>{@link Reducer}, {@link Aggregator} and {@link ReduceStreamer} (fixed and sliding windows):
 *       {@link #window(Instant, Duration)} opens one window; {@code send} datums to it; {@code close()} returns
 *       its results;</li>
 *   <li>{@link SessionReducer} (session windows): {@link #sessions()};</li>
 *   <li>{@link Accumulator} (accumulator windows): {@link #accumulator()};</li>
 *   <li>any of them by event time: {@link #eventTime(WindowKind)} assigns timestamped datums to windows and closes
 *       them as the watermark moves, as the platform does.</li>
 * </ul>
 * It checks the protocol as the platform would, and fails the test with an {@link AssertionError} that says what
 * the UDF did wrong: a result after its window's EOF, a missing or second EOF, a window not echoed, a failed
 * stream (with its gRPC status and description), or no answer within {@link #timeout()}.
 *
 * <p>Where it comes from:
 * <ul>
 *   <li>in a {@code @SpringBootTest}, {@link AutoConfigureReduceClient @AutoConfigureReduceClient} gives the test
 *       a bean connected to the application's UDF;</li>
 *   <li>in a plain JUnit test, {@code ReduceClient.serve(myReducer)} serves a bean instance with the starter's
 *       engine on a temp socket; close the client to stop it;</li>
 *   <li>{@link #connect(Path, Path)} connects to a UDF running elsewhere, e.g. the packaged app as a process.</li>
 * </ul>
 *
 * <p>Thread-safe; each window or stream it opens is driven by one thread.
 */
public final class ReduceClient implements AutoCloseable {

    /** How long the client waits for the UDF unless told otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final UdfConnection connection;
    private final UdfServer server;
    private volatile Duration timeout = DEFAULT_TIMEOUT;

    private ReduceClient(UdfConnection connection, UdfServer server) {
        this.connection = connection;
        this.server = server;
    }

    /**
     * A client of the UDF listening on {@code socket}.
     *
     * @param socket the UDF's Unix socket
     * @return the client; it connects at first use
     */
    public static ReduceClient connect(Path socket) {
        return new ReduceClient(new UdfConnection(socket, null), null);
    }

    /**
     * A client of the UDF listening on {@code socket} that, like the platform, connects only once the UDF has
     * written its handshake ({@code serverInfoFile} ends with the END marker).
     *
     * @param socket the UDF's Unix socket
     * @param serverInfoFile the UDF's server-info file
     * @return the client; it waits for the handshake (up to {@link #timeout()}) at first use
     */
    public static ReduceClient connect(Path socket, Path serverInfoFile) {
        return new ReduceClient(new UdfConnection(socket, Objects.requireNonNull(serverInfoFile)), null);
    }

    /**
     * Serves a {@link Reducer} instance with the starter's engine on a temp socket, no Spring context needed.
     *
     * @param reducer the reducer, shared by every group (as a singleton bean is)
     * @return a client of it; {@link #close()} stops the server
     */
    public static ReduceClient serve(Reducer reducer) {
        Objects.requireNonNull(reducer, "reducer");
        return serving(new UdfServer(settings -> ReduceService.reducer(() -> reducer, settings)));
    }

    /**
     * Serves an {@link Aggregator} instance with the starter's engine on a temp socket.
     *
     * @param aggregator the aggregator, shared by every group (as a singleton bean is): its state lives in the
     *     state objects it creates
     * @return a client of it; {@link #close()} stops the server
     */
    public static ReduceClient serve(Aggregator<?> aggregator) {
        Objects.requireNonNull(aggregator, "aggregator");
        return serving(new UdfServer(settings -> ReduceService.aggregator(() -> aggregator, settings)));
    }

    /**
     * Serves a {@link ReduceStreamer} instance with the starter's engine on a temp socket.
     *
     * @param streamer the streamer, shared by every group
     * @return a client of it; {@link #close()} stops the server
     */
    public static ReduceClient serve(ReduceStreamer streamer) {
        Objects.requireNonNull(streamer, "streamer");
        return serving(new UdfServer(settings -> ReduceService.streamer(() -> streamer, settings)));
    }

    /**
     * Serves {@link SessionReducer}s with the starter's engine on a temp socket. A session reducer holds its
     * session's state, so every session (and every merged session) needs a fresh instance.
     *
     * @param sessions makes one instance per session, e.g. {@code MySessionReducer::new}
     * @return a client of it; {@link #close()} stops the server
     */
    public static ReduceClient serve(Supplier<? extends SessionReducer> sessions) {
        Objects.requireNonNull(sessions, "sessions");
        return serving(new UdfServer(settings -> new SessionReduceService(sessions, settings)));
    }

    /**
     * Serves an {@link Accumulator} instance with the starter's engine on a temp socket.
     *
     * @param accumulator the accumulator, shared by every key run
     * @return a client of it; {@link #close()} stops the server
     */
    public static ReduceClient serve(Accumulator accumulator) {
        Objects.requireNonNull(accumulator, "accumulator");
        return serving(new UdfServer(settings -> new AccumulatorService(() -> accumulator, settings)));
    }

    /**
     * Serves any gRPC service of the reduce family on a temp socket, e.g. one written by hand against the
     * generated protocol classes, to see how the platform would take it.
     *
     * @param service the service
     * @return a client of it; {@link #close()} stops the server
     */
    public static ReduceClient serve(BindableService service) {
        Objects.requireNonNull(service, "service");
        return serving(new UdfServer(settings -> service));
    }

    private static ReduceClient serving(UdfServer server) {
        return new ReduceClient(new UdfConnection(server.socket(), null), server);
    }

    /**
     * Sets how long the client waits for the UDF: for the handshake, for flow control, for results and EOFs.
     * It applies to windows and streams opened afterwards.
     *
     * @param timeout the longest wait
     * @return this client
     */
    public ReduceClient timeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, not " + timeout);
        }
        this.timeout = timeout;
        return this;
    }

    /**
     * How long the client waits for the UDF.
     *
     * @return the timeout ({@link #DEFAULT_TIMEOUT} unless set)
     */
    public Duration timeout() {
        return timeout;
    }

    /**
     * The UDF's socket.
     *
     * @return its path
     */
    public Path socket() {
        return connection.socket();
    }

    /**
     * The gRPC channel to the UDF, for other services on its socket (e.g. {@code grpc.health.v1}).
     *
     * @return the channel, connected once the handshake is written
     */
    public ManagedChannel channel() {
        return connection.channel(timeout);
    }

    /**
     * Opens one window of a fixed or sliding window vertex (one {@code ReduceFn} stream), for a {@link Reducer}
     * or {@link ReduceStreamer}.
     *
     * @param start the window's start
     * @param size its length: the window is {@code [start, start + size)}
     * @return the open window: {@code send} datums, then {@code close()}
     */
    public AlignedWindow window(Instant start, Duration size) {
        if (size.isNegative() || size.isZero()) {
            throw new IllegalArgumentException("size must be positive, not " + size);
        }
        Duration wait = timeout;
        return new AlignedWindow(connection.channel(wait), start, size, wait);
    }

    /**
     * Opens the session stream of a session window vertex, for a {@link SessionReducer}.
     *
     * @return the stream: open, append, expand, merge and close sessions, then {@code finish()}
     */
    public SessionStream sessions() {
        Duration wait = timeout;
        return new SessionStream(connection.channel(wait), wait);
    }

    /**
     * Opens the accumulator stream of an accumulator vertex with a one-minute timeout, for an {@link Accumulator}.
     *
     * @return the stream: append datums, close key runs, then {@code finish()}
     */
    public AccumulatorStream accumulator() {
        return accumulator(Duration.ofMinutes(1));
    }

    /**
     * Opens the accumulator stream of an accumulator vertex, for an {@link Accumulator}.
     *
     * @param runTimeout the vertex's timeout: a key run's window is its first event time to that plus this
     * @return the stream: append datums, close key runs, then {@code finish()}
     */
    public AccumulatorStream accumulator(Duration runTimeout) {
        Duration wait = timeout;
        return new AccumulatorStream(connection.channel(wait), runTimeout, wait);
    }

    /**
     * Drives the UDF by event time as a vertex with {@code kind} windows does: send timestamped datums, move the
     * watermark, and get every window's results.
     *
     * @param kind the vertex's window kind
     * @return the driver
     */
    public EventTimeDriver eventTime(WindowKind kind) {
        return new EventTimeDriver(kind.start(this));
    }

    /** Closes the connection and, when this client serves the UDF itself, stops its server. */
    @Override
    public void close() {
        connection.close();
        if (server != null) {
            server.close();
        }
    }
}
