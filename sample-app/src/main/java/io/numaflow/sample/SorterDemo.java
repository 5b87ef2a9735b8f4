package io.numaflow.sample;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.numaflow.reducer.autoconfigure.NumaflowReducerProperties;
import io.numaflow.reducer.autoconfigure.UdfKind;
import io.numaproj.numaflow.accumulator.v1.AccumulatorGrpc;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.AccumulatorRequest;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.AccumulatorRequest.WindowOperation.Event;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.AccumulatorResponse;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.KeyedWindow;
import io.numaproj.numaflow.accumulator.v1.AccumulatorOuterClass.Payload;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Profile;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The {@code demo} profile with {@code sample.style=sorter}: plays the Numaflow platform against the event-time
 * sorter. On one {@code AccumulateFn} stream it sends each key's readings shuffled (up to {@value #LATENESS_MILLIS}
 * ms late) with a watermark that trails the newest event time by that lateness, CLOSEs each key as the platform
 * does after the vertex's timeout, half-closes, prints what came back per key, checks that every key came out in
 * event-time order with its EOF last, and stops the application (exit status 1 if not).
 */
@Component
@Profile("demo")
@ConditionalOnProperty(name = "sample.style", havingValue = "sorter")
@Order(Ordered.LOWEST_PRECEDENCE - 1) // before any other demo runner: this one ends the application
class SorterDemo implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(SorterDemo.class);
    private static final long START = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static final long LATENESS_MILLIS = 3_000;
    private static final long TIMEOUT_MILLIS = 10_000;
    private static final int READINGS_PER_KEY = 12;
    private static final List<String> SENSORS = List.of("sensor-a", "sensor-b", "sensor-c");

    private final NumaflowReducerProperties properties;
    private final ConfigurableApplicationContext context;

    SorterDemo(NumaflowReducerProperties properties, ConfigurableApplicationContext context) {
        this.properties = properties;
        this.context = context;
    }

    @Override
    public void run(ApplicationArguments args) throws Exception {
        log.info("Sorter demo: server-info file says {}",
                Files.readString(properties.serverInfoFileFor(UdfKind.ACCUMULATOR)));
        boolean sorted;
        try (DemoPlatform platform = new DemoPlatform(properties.socketPathFor(UdfKind.ACCUMULATOR))) {
            sorted = play(platform.channel()).get(60, TimeUnit.SECONDS);
        }
        log.info(sorted ? "Sorter demo: every key came out in event-time order. Stopping."
                : "Sorter demo: WRONG ORDER");
        DemoPlatform.exit(context, sorted);
    }

    private CompletableFuture<Boolean> play(ManagedChannel channel) {
        Map<String, List<String>> received = new TreeMap<>();
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        StreamObserver<AccumulatorRequest> requests = AccumulatorGrpc.newStub(channel).accumulateFn(
                new StreamObserver<>() {
                    @Override
                    public void onNext(AccumulatorResponse response) {
                        String key = response.getWindow().getKeys(0);
                        received.computeIfAbsent(key, k -> new ArrayList<>())
                                .add(response.getEOF() ? "EOF" : response.getPayload().getValue().toStringUtf8());
                    }

                    @Override
                    public void onError(Throwable error) {
                        log.error("Sorter demo: the stream failed", error);
                        done.complete(false);
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(check(received));
                    }
                });
        Random random = new Random(7);
        for (String sensor : SENSORS) {
            List<Long> eventTimes = new ArrayList<>();
            for (int i = 0; i < READINGS_PER_KEY; i++) {
                eventTimes.add(START + i * 1_000L);
            }
            for (int block = 0; block < READINGS_PER_KEY; block += 3) { // late by less than the lateness
                Collections.shuffle(eventTimes.subList(block, block + 3), random);
            }
            KeyedWindow window = KeyedWindow.newBuilder().setStart(timestamp(eventTimes.get(0)))
                    .setEnd(timestamp(eventTimes.get(0) + TIMEOUT_MILLIS)).setSlot("slot-0").addKeys(sensor).build();
            long newest = 0;
            for (int i = 0; i < eventTimes.size(); i++) {
                long eventTime = eventTimes.get(i);
                newest = Math.max(newest, eventTime);
                log.info("sent     {} reading@{}s", sensor, (eventTime - START) / 1_000);
                requests.onNext(request(i == 0 ? Event.OPEN : Event.APPEND, window, Payload.newBuilder()
                        .addKeys(sensor).setValue(ByteString.copyFromUtf8("reading@" + (eventTime - START) / 1_000 + "s"))
                        .setEventTime(timestamp(eventTime)).setWatermark(timestamp(newest - LATENESS_MILLIS))
                        .setId(sensor + "-" + i).build()));
            }
            requests.onNext(request(Event.CLOSE, window, null)); // the key timed out
        }
        requests.onCompleted();
        return done;
    }

    private static boolean check(Map<String, List<String>> received) {
        boolean sorted = received.keySet().equals(new TreeSet<>(SENSORS));
        for (String sensor : SENSORS) {
            List<String> outputs = received.getOrDefault(sensor, List.of());
            log.info("received {} {}", sensor, outputs);
            List<Integer> seconds = new ArrayList<>();
            for (String output : outputs.subList(0, Math.max(0, outputs.size() - 1))) {
                seconds.add(Integer.parseInt(output.replaceAll("\\D", "")));
            }
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < READINGS_PER_KEY; i++) {
                expected.add(i);
            }
            sorted &= !outputs.isEmpty() && outputs.get(outputs.size() - 1).equals("EOF") && seconds.equals(expected);
        }
        return sorted;
    }

    private static AccumulatorRequest request(Event event, KeyedWindow window, Payload payload) {
        AccumulatorRequest.Builder request = AccumulatorRequest.newBuilder().setOperation(
                AccumulatorRequest.WindowOperation.newBuilder().setEvent(event).setKeyedWindow(window));
        return payload == null ? request.build() : request.setPayload(payload).build();
    }

    private static Timestamp timestamp(long millis) {
        Instant instant = Instant.ofEpochMilli(millis);
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
