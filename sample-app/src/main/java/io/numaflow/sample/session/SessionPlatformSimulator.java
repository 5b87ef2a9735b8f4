package io.numaflow.sample.session;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.StreamObserver;
import io.numaflow.reducer.autoconfigure.NumaflowReducerProperties;
import io.numaflow.reducer.autoconfigure.UdfKind;
import io.numaproj.numaflow.sessionreduce.v1.SessionReduceGrpc;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.KeyedWindow;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.SessionReduceRequest;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.SessionReduceRequest.WindowOperation.Event;
import io.numaproj.numaflow.sessionreduce.v1.Sessionreduce.SessionReduceResponse;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * The {@code demo} profile with {@code sample.style=session}: plays the platform of a session vertex (30 s
 * timeout) against {@link ClicksPerVisit}. One long-lived {@code SessionReduceFn} stream carries three users'
 * visits: ann's grows as clicks come in (EXPAND), bob's two visits are joined by a late click (EXPAND, then
 * the MERGE the platform sends when the first one times out), cy's is still open when the stream ends (the
 * half-close closes it). It prints each visit's result, checks them, and stops the application (exit status 1
 * if a result was wrong).
 */
@Component
@Profile("demo")
@ConditionalOnProperty(name = "sample.style", havingValue = "session")
class SessionPlatformSimulator implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(SessionPlatformSimulator.class);
    private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    private final NumaflowReducerProperties properties;
    private final ConfigurableApplicationContext context;

    SessionPlatformSimulator(NumaflowReducerProperties properties, ConfigurableApplicationContext context) {
        this.properties = properties;
        this.context = context;
    }

    @Override
    public void run(ApplicationArguments args) throws Exception {
        log.info("Session simulator: server-info file says {}",
                Files.readString(properties.serverInfoFileFor(UdfKind.SESSION_REDUCER)));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        ManagedChannel channel = NettyChannelBuilder
                .forAddress(new DomainSocketAddress(properties.socketPathFor(UdfKind.SESSION_REDUCER).toString()))
                .channelType(EpollDomainSocketChannel.class).eventLoopGroup(group).usePlaintext().build();
        boolean allCorrect;
        try {
            allCorrect = playVisits(channel).get(60, TimeUnit.SECONDS);
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        log.info(allCorrect ? "Session simulator: every visit is right. Stopping." : "Session simulator: WRONG VISITS");
        int status = allCorrect ? 0 : 1;
        System.exit(SpringApplication.exit(context, () -> status));
    }

    private CompletableFuture<Boolean> playVisits(ManagedChannel channel) {
        KeyedWindow ann = window(0, 30, "ann");
        KeyedWindow annGrown = window(0, 40, "ann");
        KeyedWindow bobFirst = window(0, 30, "bob");
        KeyedWindow bobFirstGrown = window(0, 50, "bob");
        KeyedWindow bobSecond = window(40, 70, "bob");
        KeyedWindow bobJoined = window(0, 70, "bob");
        KeyedWindow cy = window(60, 90, "cy");
        Map<KeyedWindow, String> expected = Map.of(
                annGrown, "clicks:3 pages:home>shoes>cart",
                bobJoined, "clicks:3 pages:home>search>help",
                cy, "clicks:1 pages:home");

        CompletableFuture<Boolean> done = new CompletableFuture<>();
        Map<KeyedWindow, String> results = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
        List<KeyedWindow> eofs = new ArrayList<>();
        StreamObserver<SessionReduceRequest> platform = SessionReduceGrpc.newStub(channel).sessionReduceFn(
                new StreamObserver<>() {
                    @Override
                    public void onNext(SessionReduceResponse response) {
                        if (response.getEOF()) {
                            eofs.add(response.getKeyedWindow());
                        } else {
                            results.put(response.getKeyedWindow(), response.getResult().getValue().toStringUtf8());
                        }
                    }

                    @Override
                    public void onError(Throwable error) {
                        log.error("The session stream failed", error);
                        done.complete(false);
                    }

                    @Override
                    public void onCompleted() {
                        results.forEach((window, result) -> log.info("visit of {} [{}, {}): {}", window.getKeys(0),
                                instant(window.getStart()), instant(window.getEnd()), result));
                        done.complete(results.equals(expected) && eofs.size() == expected.size()
                                && eofs.containsAll(expected.keySet()));
                    }
                });
        platform.onNext(click(Event.OPEN, "home", 0, ann));
        platform.onNext(click(Event.EXPAND, "shoes", 10, ann, annGrown)); // ann's visit now lasts until 0:40
        platform.onNext(click(Event.APPEND, "cart", 5, annGrown));
        platform.onNext(click(Event.OPEN, "home", 0, bobFirst));
        platform.onNext(click(Event.OPEN, "help", 40, bobSecond));       // 40 s after: a visit of its own
        platform.onNext(click(Event.EXPAND, "search", 20, bobFirst, bobFirstGrown)); // late: now overlaps it
        platform.onNext(click(Event.OPEN, "home", 60, cy));
        platform.onNext(operation(Event.CLOSE, annGrown));                  // the watermark passed 0:40
        platform.onNext(operation(Event.MERGE, bobFirstGrown, bobSecond, bobJoined)); // ... and 0:50
        platform.onNext(operation(Event.CLOSE, bobJoined));                 // ... and 1:10
        platform.onCompleted();                                              // cy's visit ends with the stream
        return done;
    }

    private static KeyedWindow window(int startSecond, int endSecond, String user) {
        return KeyedWindow.newBuilder().setStart(timestamp(T0 + startSecond * 1000L))
                .setEnd(timestamp(T0 + endSecond * 1000L)).setSlot("0").addKeys(user).build();
    }

    /** A click on {@code page} at {@code second}, for the last of {@code windows}. */
    private static SessionReduceRequest click(Event event, String page, int second, KeyedWindow... windows) {
        return operation(event, windows).toBuilder()
                .setPayload(SessionReduceRequest.Payload.newBuilder()
                        .addAllKeys(windows[windows.length - 1].getKeysList())
                        .setValue(ByteString.copyFromUtf8(page))
                        .setEventTime(timestamp(T0 + second * 1000L)).setWatermark(timestamp(T0)))
                .build();
    }

    private static SessionReduceRequest operation(Event event, KeyedWindow... windows) {
        return SessionReduceRequest.newBuilder().setOperation(SessionReduceRequest.WindowOperation.newBuilder()
                .setEvent(event).addAllKeyedWindows(List.of(windows))).build();
    }

    private static Timestamp timestamp(long millis) {
        Instant instant = Instant.ofEpochMilli(millis);
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    private static Instant instant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }
}
