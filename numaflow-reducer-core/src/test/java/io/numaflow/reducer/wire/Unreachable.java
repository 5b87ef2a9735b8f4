package io.numaflow.reducer.wire;

import static io.numaflow.reducer.wire.RawReduceDriver.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Objects a test expects to become garbage: a leak check that fails on a single object left behind, where a
 * heap measurement cannot see less than megabytes. Each object is {@linkplain #track tracked} weakly (so
 * tracking it holds nothing), and {@link #awaitAllCollected} fails, naming the classes still reachable, unless
 * every one is collected. Collected ones are forgotten as they go, so a long run keeps only the live ones.
 */
public final class Unreachable {

    private final ReferenceQueue<Object> collected = new ReferenceQueue<>();
    private final Set<Reference<?>> live = ConcurrentHashMap.newKeySet();
    private final AtomicLong tracked = new AtomicLong();

    /** Tracks {@code object}; returns it. */
    public <T> T track(T object) {
        forgetCollected();
        live.add(new WeakReference<>(Objects.requireNonNull(object), collected));
        tracked.incrementAndGet();
        return object;
    }

    /** How many objects were tracked in all, collected or not. */
    public long tracked() {
        return tracked.get();
    }

    /**
     * {@code service} with the {@link ServerCall} of each of its calls tracked: what a stream's state writes to,
     * so a stream the server keeps after it ended keeps its call reachable.
     */
    public BindableService trackingCalls(BindableService service) {
        ServerServiceDefinition definition = ServerInterceptors.intercept(service, new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                    ServerCallHandler<Q, R> next) {
                return next.startCall(track(call), headers);
            }
        });
        return () -> definition;
    }

    /** Collects garbage until every tracked object is gone; fails with what is still reachable. */
    public void awaitAllCollected() {
        await().atMost(PATIENCE).untilAsserted(() -> {
            System.gc();
            forgetCollected();
            assertThat(stillReachable()).as("tracked objects still reachable after GC, by class").isEmpty();
        });
    }

    private Map<String, Long> stillReachable() {
        return live.stream().map(Reference::get).filter(Objects::nonNull)
                .collect(Collectors.groupingBy(object -> object.getClass().getName(), Collectors.counting()));
    }

    private void forgetCollected() {
        for (Reference<?> gone = collected.poll(); gone != null; gone = collected.poll()) {
            live.remove(gone);
        }
    }
}
