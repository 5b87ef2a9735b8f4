package io.numaflow.sample.streaming;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.grpc.stub.StreamObserver;
import io.numaflow.reducer.autoconfigure.NumaflowReducerProperties;
import io.numaflow.sample.DemoPlatform;
import io.numaproj.numaflow.reduce.v1.ReduceGrpc;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceRequest.WindowOperation.Event;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.Window;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * The {@code demo} profile of the streaming counter: plays the platform against this very UDF and shows its
 * running counts arriving while the window is still open. It sends 12 datums of one key, waits for the two
 * running counts ({@code so-far:5}, {@code so-far:10}) before closing the window, then closes it and expects
 * the final {@code counter:12} and the window's EOF; then it stops the application (exit status 1 if anything
 * was not as expected).
 */
@Component
@Profile("demo")
@ConditionalOnProperty(name = "sample.style", havingValue = "streaming")
class StreamingDemo implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(StreamingDemo.class);

    private final NumaflowReducerProperties properties;
    private final ConfigurableApplicationContext context;

    StreamingDemo(NumaflowReducerProperties properties, ConfigurableApplicationContext context) {
        this.properties = properties;
        this.context = context;
    }

    @Override
    public void run(ApplicationArguments args) throws Exception {
        boolean correct;
        try (DemoPlatform platform = new DemoPlatform(properties.socketPath())) {
            correct = playOneWindow(platform);
        }
        log.info(correct ? "Streaming demo: results arrived before the window closed, as expected. Stopping."
                : "Streaming demo: UNEXPECTED RESULTS");
        DemoPlatform.exit(context, correct);
    }

    private boolean playOneWindow(DemoPlatform platform) throws Exception {
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        Window window = Window.newBuilder().setStart(timestamp(start)).setEnd(timestamp(start.plusSeconds(60)))
                .setSlot("slot-0").build();
        List<String> received = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> twoRunningCounts = new CompletableFuture<>();
        CompletableFuture<Boolean> ended = new CompletableFuture<>();
        StreamObserver<ReduceRequest> requests = ReduceGrpc.newStub(platform.channel()).reduceFn(new StreamObserver<>() {
            @Override
            public void onNext(ReduceResponse response) {
                String text = response.getEOF() ? "EOF" : response.getResult().getValue().toStringUtf8();
                log.info("received {}", text);
                received.add(text);
                if (received.size() == 2) {
                    twoRunningCounts.complete(null);
                }
            }

            @Override
            public void onError(Throwable error) {
                log.error("The window failed", error);
                twoRunningCounts.complete(null);
                ended.complete(false);
            }

            @Override
            public void onCompleted() {
                ended.complete(true);
            }
        });
        for (int n = 0; n < 12; n++) {
            requests.onNext(ReduceRequest.newBuilder()
                    .setOperation(ReduceRequest.WindowOperation.newBuilder()
                            .setEvent(n == 0 ? Event.OPEN : Event.APPEND).addWindows(window))
                    .setPayload(ReduceRequest.Payload.newBuilder().addKeys("sensor-a")
                            .setValue(ByteString.copyFromUtf8("reading-" + n))
                            .setEventTime(timestamp(start.plusSeconds(n))))
                    .build());
        }
        twoRunningCounts.get(60, TimeUnit.SECONDS);
        log.info("before the window closed: {}", received);
        boolean early = received.equals(List.of("so-far:5", "so-far:10"));
        requests.onCompleted(); // the window closes
        boolean ok = ended.get(60, TimeUnit.SECONDS);
        log.info("after the window closed: {}", received);
        return early && ok && received.equals(List.of("so-far:5", "so-far:10", "counter:12", "EOF"));
    }

    private static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
