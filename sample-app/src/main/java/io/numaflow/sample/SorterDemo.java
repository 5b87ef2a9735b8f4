package io.numaflow.sample;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.numaflow.reducer.Datum;
import io.numaflow.reducer.autoconfigure.NumaflowReducerProperties;
import io.numaflow.reducer.autoconfigure.UdfKind;
import io.numaflow.reducer.test.AccumulatorResults;
import io.numaflow.reducer.test.AccumulatorStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
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
        boolean sorted = DemoPlatform.play(properties, UdfKind.ACCUMULATOR,
                platform -> check(play(platform.accumulator())));
        log.info(sorted ? "Sorter demo: every key came out in event-time order. Stopping."
                : "Sorter demo: WRONG ORDER");
        DemoPlatform.exit(context, sorted);
    }

    /** Each sensor's readings shuffled, a watermark trailing the newest by the lateness, then its CLOSE. */
    private static AccumulatorResults play(AccumulatorStream stream) {
        Random random = new Random(7);
        for (String sensor : SENSORS) {
            List<Long> eventTimes = new ArrayList<>();
            for (int i = 0; i < READINGS_PER_KEY; i++) {
                eventTimes.add(START + i * 1_000L);
            }
            for (int block = 0; block < READINGS_PER_KEY; block += 3) { // late by less than the lateness
                Collections.shuffle(eventTimes.subList(block, block + 3), random);
            }
            long newest = 0;
            for (int i = 0; i < eventTimes.size(); i++) {
                long eventTime = eventTimes.get(i);
                newest = Math.max(newest, eventTime);
                log.info("sent     {} reading@{}s", sensor, (eventTime - START) / 1_000);
                stream.append(new Datum(List.of(sensor), ("reading@" + (eventTime - START) / 1_000 + "s").getBytes(UTF_8),
                        Instant.ofEpochMilli(eventTime), Instant.ofEpochMilli(newest - LATENESS_MILLIS), Map.of(),
                        sensor + "-" + i));
            }
            stream.close(List.of(sensor)); // the key timed out
        }
        return stream.finish(); // the kit checks each key's EOF and the outputs' anchors and windows
    }

    private static boolean check(AccumulatorResults results) {
        boolean sorted = true;
        for (String sensor : SENSORS) {
            List<String> outputs = results.outputs(List.of(sensor)).stream()
                    .map(output -> new String(output.message().value(), UTF_8)).toList();
            log.info("received {} {}", sensor, outputs);
            List<Integer> seconds = outputs.stream().map(output -> Integer.parseInt(output.replaceAll("\\D", ""))).toList();
            sorted &= seconds.equals(IntStream.range(0, READINGS_PER_KEY).boxed().toList());
        }
        return sorted;
    }
}
