package io.numaflow.sample;

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
import io.numaproj.numaflow.reduce.v1.ReduceGrpc;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest.WindowOperation.Event;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.Window;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Profile;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The {@code demo} profile: plays the Numaflow platform against this very UDF, so that one command shows
 * real reduce work on a laptop. It waits for the server-info handshake, opens one {@code ReduceFn} stream per
 * window as the platform does (OPEN then APPEND per key, half-close, results then EOF), prints each window's
 * results, checks the counts, and stops the application (exit status 1 if a count was wrong). It plays the
 * platform of the reducer styles ({@code function}, {@code class}); other kinds have simulators of their own.
 */
@Component
@Profile("demo")
@ConditionalOnExpression("'${sample.style:function}' == 'function' or '${sample.style:function}' == 'class'")
@Order(Ordered.LOWEST_PRECEDENCE)
class PlatformSimulator implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(PlatformSimulator.class);
    private static final long WINDOW_MILLIS = 60_000;

    private final NumaflowReducerProperties properties;
    private final ConfigurableApplicationContext context;

    PlatformSimulator(NumaflowReducerProperties properties, ConfigurableApplicationContext context) {
        this.properties = properties;
        this.context = context;
    }

    @Override
    public void run(ApplicationArguments args) throws Exception {
        String handshake = Files.readString(properties.serverInfoFile());
        log.info("Platform simulator: server-info file says {}", handshake);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        ManagedChannel channel = NettyChannelBuilder
                .forAddress(new DomainSocketAddress(properties.socketPath().toString()))
                .channelType(EpollDomainSocketChannel.class).eventLoopGroup(group).usePlaintext().build();
        boolean allCorrect = true;
        try {
            // Three windows, open at once as the platform keeps them; key i of window w gets (w + 1) * (i + 1) datums.
            List<CompletableFuture<Boolean>> windows = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                windows.add(sendWindow(channel, w));
            }
            for (CompletableFuture<Boolean> window : windows) {
                allCorrect &= window.get(60, TimeUnit.SECONDS);
            }
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        printMetrics();
        log.info(allCorrect ? "Platform simulator: every count is right. Stopping." : "Platform simulator: WRONG COUNTS");
        int status = allCorrect ? 0 : 1;
        System.exit(SpringApplication.exit(context, () -> status));
    }

    /** What an operator would scrape: the reducer's own meters on the management port. */
    private void printMetrics() throws Exception {
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        HttpClient http = HttpClient.newHttpClient();
        String health = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health/reducer")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        log.info("GET /actuator/health/reducer -> {}", health);
        String scrape = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        scrape.lines().filter(line -> line.startsWith("numaflow_reducer_") && !line.contains("_bucket"))
                .forEach(line -> log.info("GET /actuator/prometheus -> {}", line));
    }

    private CompletableFuture<Boolean> sendWindow(ManagedChannel channel, int w) {
        long start = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli() + w * WINDOW_MILLIS;
        Window window = Window.newBuilder().setStart(timestamp(start)).setEnd(timestamp(start + WINDOW_MILLIS))
                .setSlot("slot-0").build();
        Map<String, Integer> expected = new TreeMap<>();
        for (int i = 0; i < 3; i++) {
            expected.put("sensor-" + (char) ('a' + i), (w + 1) * (i + 1));
        }
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        Map<String, String> results = new TreeMap<>();
        StreamObserver<ReduceRequest> requests = ReduceGrpc.newStub(channel).reduceFn(new StreamObserver<>() {
            @Override
            public void onNext(ReduceResponse response) {
                if (!response.getEOF()) {
                    results.put(response.getResult().getKeys(0), response.getResult().getValue().toStringUtf8());
                }
            }

            @Override
            public void onError(Throwable error) {
                log.error("Window {} failed", w, error);
                done.complete(false);
            }

            @Override
            public void onCompleted() {
                boolean correct = true;
                for (Map.Entry<String, Integer> key : expected.entrySet()) {
                    String result = results.get(key.getKey());
                    log.info("window {} key {} -> {}", w, key.getKey(), result);
                    correct &= result != null && result.startsWith("counter:" + key.getValue() + " ");
                }
                done.complete(correct);
            }
        });
        expected.forEach((key, count) -> {
            for (int n = 0; n < count; n++) {
                requests.onNext(request(n == 0 ? Event.OPEN : Event.APPEND, window, key, start + n));
            }
        });
        requests.onCompleted(); // the window closes
        return done;
    }

    private static ReduceRequest request(Event event, Window window, String key, long eventTime) {
        return ReduceRequest.newBuilder()
                .setOperation(ReduceRequest.WindowOperation.newBuilder().setEvent(event).addWindows(window))
                .setPayload(ReduceRequest.Payload.newBuilder().addKeys(key)
                        .setValue(ByteString.copyFromUtf8("reading@" + eventTime))
                        .setEventTime(timestamp(eventTime)).setWatermark(timestamp(eventTime - 1)))
                .build();
    }

    private static Timestamp timestamp(long millis) {
        Instant instant = Instant.ofEpochMilli(millis);
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
