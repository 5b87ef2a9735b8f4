package io.numaflow.reducer.autoconfigure;

import static io.numaflow.reducer.wire.RawReduceDriver.PATIENCE;
import static io.numaflow.reducer.wire.RawReduceDriver.text;
import static io.numaflow.reducer.wire.RawReduceDriver.window;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import io.numaflow.reducer.Datum;
import io.numaflow.reducer.Message;
import io.numaflow.reducer.Messages;
import io.numaflow.reducer.Metadata;
import io.numaflow.reducer.ReduceStreamer;
import io.numaflow.reducer.Reducer;
import io.numaflow.reducer.wire.RawReduceDriver;
import io.numaflow.reducer.wire.RawReduceDriver.WindowStream;
import io.numaflow.reducer.wire.TestApplications;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.ReduceResponse;
import io.numaproj.numaflow.reduce.v1.ReduceOuterClass.Window;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.devh.boot.grpc.server.event.GrpcServerShutdownEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;
import org.springframework.context.event.EventListener;

/**
 * Whole applications, started as a user's would be (auto-configuration from the classpath), over the real
 * Unix socket: the handshake, a window with a prototype reducer, and what shutdown leaves behind.
 */
class ReducerApplicationTest {

    @TempDir
    Path dir;

    private ConfigurableApplicationContext start(Class<?> config, String... properties) {
        return TestApplications.start(dir, config, properties);
    }

    @Test
    void handshakeReadinessAndAWindowWithAFreshReducerPerGroup() throws Exception {
        try (ConfigurableApplicationContext context = start(PrototypeCounterApp.class);
                RawReduceDriver client = new RawReduceDriver(dir.resolve("run/reduce.sock"))) {
            String info = Files.readString(dir.resolve("run/reducer-server-info"), UTF_8);
            assertThat(info).endsWith("U+005C__END__");
            JsonNode json = new ObjectMapper().readTree(info.substring(0, info.length() - "U+005C__END__".length()));
            assertThat(json.get("protocol").asText()).isEqualTo("uds");
            assertThat(json.get("language").asText()).isEqualTo("java");
            assertThat(json.get("minimum_numaflow_version").asText()).isEqualTo("1.4.0-z");
            assertThat(json.get("metadata").isObject()).isTrue();
            assertThat(semverAtLeast(json.get("version").asText(), 0, 9, 0)).as(info).isTrue();
            assertThat(client.isReady()).isTrue();

            Window window = window(0, 60_000);
            WindowStream stream = client.open();
            for (int i = 0; i < 9; i++) {
                stream.send(window, List.of("k" + (i % 3)), "v" + i);
            }
            List<ReduceResponse> responses = stream.closeAndAwait();

            assertThat(responses).hasSize(4);
            assertThat(responses.subList(0, 3)).extracting(RawReduceDriver::text).containsOnly("3");
            assertThat(responses.get(3).getEOF()).isTrue();
            assertThat(PrototypeCounter.INSTANCES).as("one instance per (window, keys) group").hasSize(3);
        }
        assertThat(dir.resolve("run/reduce.sock")).doesNotExist();
        assertThat(dir.resolve("run/reducer-server-info")).doesNotExist();
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(threadsOfTheStarter()).isEmpty());
    }

    @Test
    void aReduceStreamerAppSendsResultsBeforeTheWindowCloses() throws Exception {
        try (ConfigurableApplicationContext context = start(StreamerApp.class);
                RawReduceDriver client = new RawReduceDriver(dir.resolve("run/reduce.sock"))) {
            String info = Files.readString(dir.resolve("run/reducer-server-info"), UTF_8);
            assertThat(info).contains("\"minimum_numaflow_version\":\"1.4.0-z\"").endsWith("U+005C__END__");
            assertThat(client.isReady()).isTrue();

            Window window = window(0, 60_000);
            WindowStream stream = client.open().send(window, List.of("k"), "a").send(window, List.of("k"), "b");
            await().atMost(PATIENCE).until(() -> stream.responses().size() == 2);
            assertThat(stream.status()).as("still open").isNotDone();

            List<ReduceResponse> responses = stream.closeAndAwait();
            assertThat(responses).extracting(RawReduceDriver::text).containsExactly("echo:a", "echo:b", "");
            assertThat(responses.get(2).getEOF()).isTrue();
            assertThat(responses).allSatisfy(r -> assertThat(r.getWindow()).isEqualTo(window));
        }
    }

    @Test
    void shutdownStopsTakingStreamsAndDrainsTheInFlightWindow() throws Exception {
        ConfigurableApplicationContext context = start(GatedCounterApp.class,
                "numaflow.reducer.shutdown-grace-period=30s");
        try (RawReduceDriver client = new RawReduceDriver(dir.resolve("run/reduce.sock"))) {
            Window window = window(0, 60_000);
            WindowStream inFlight = client.open();
            for (int i = 0; i < 5; i++) {
                inFlight.send(window, List.of("k"), "v");
            }
            assertThat(GatedCounterApp.STARTED.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();

            CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
            assertThat(GatedCounterApp.SHUTTING_DOWN.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            // The listener closes (and its socket file goes) once gRPC's shutdown has begun; streams the
            // client opened before it saw the GOAWAY would still be served, so wait for that point.
            await().atMost(PATIENCE).until(() -> !Files.exists(dir.resolve("run/reduce.sock")));
            Status refused = client.open().send(window, List.of("late"), "v").halfClose().awaitStatus();
            assertThat(refused.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(closing).isNotDone();

            inFlight.halfClose();
            GatedCounterApp.RELEASE.countDown();

            assertThat(inFlight.awaitStatus()).extracting(Status::getCode).isEqualTo(Status.Code.OK);
            assertThat(inFlight.responses()).hasSize(2);
            assertThat(text(inFlight.responses().get(0))).isEqualTo("5");
            assertThat(inFlight.responses().get(1).getEOF()).isTrue();
            closing.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        }
        assertThat(dir.resolve("run/reduce.sock")).doesNotExist();
        assertThat(dir.resolve("run/reducer-server-info")).doesNotExist();
    }

    @Test
    void aReducerThatNeverReturnsHoldsUpNeitherOtherStreamsNorShutdownBeyondTheGracePeriod() throws Exception {
        ConfigurableApplicationContext context = start(StuckReducerApp.class,
                "numaflow.reducer.shutdown-grace-period=1s");
        try (RawReduceDriver client = new RawReduceDriver(dir.resolve("run/reduce.sock"))) {
            WindowStream stuck = client.open().send(window(0, 1000), List.of("stuck"), "v").halfClose();
            List<ReduceResponse> other = client.open().send(window(0, 1000), List.of("k"), "v").closeAndAwait();
            assertThat(text(other.get(0))).isEqualTo("1");

            long started = System.nanoTime();
            CompletableFuture.runAsync(context::close).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

            assertThat(System.nanoTime() - started).as("the grace period was granted")
                    .isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(1));
            assertThat(stuck.awaitStatus().isOk()).isFalse();
        }
        assertThat(dir.resolve("run/reduce.sock")).doesNotExist();
        // The stuck reducer's thread is all that is left, and it is a daemon: it cannot keep the JVM alive.
        assertThat(Thread.getAllStackTraces().keySet()).filteredOn(t -> threadsOfTheStarter().contains(t.getName()))
                .allMatch(t -> t.getName().startsWith("numaflow-reducer-") && t.isDaemon());
        STUCK_RELEASED.countDown();
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(threadsOfTheStarter()).isEmpty());
    }

    /** Threads the starter creates: none may outlive the context. */
    static List<String> threadsOfTheStarter() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("numaflow-") || name.startsWith("grpc-server-container"))
                .toList();
    }

    private static boolean semverAtLeast(String version, int major, int minor, int patch) {
        Matcher m = Pattern.compile("^(\\d+)\\.(\\d+)\\.(\\d+)(-[0-9A-Za-z.-]+)?$").matcher(version);
        if (!m.matches()) {
            return false;
        }
        int[] v = {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))};
        int[] min = {major, minor, patch};
        for (int i = 0; i < 3; i++) {
            if (v[i] != min[i]) {
                return v[i] > min[i];
            }
        }
        return true;
    }

    static Messages count(List<String> keys, Iterable<Datum> datums) {
        long n = 0;
        for (Datum ignored : datums) {
            n++;
        }
        return Messages.of(Message.of(Long.toString(n).getBytes(UTF_8), keys));
    }

    static class PrototypeCounter implements Reducer {
        static final Set<PrototypeCounter> INSTANCES = ConcurrentHashMap.newKeySet();
        private List<String> groupKeys;

        @Override
        public Messages reduce(List<String> keys, Iterable<Datum> datums, Metadata metadata) {
            assertThat(groupKeys).as("an instance serves one group").isNull();
            groupKeys = keys;
            INSTANCES.add(this);
            return count(keys, datums);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class PrototypeCounterApp {
        @Bean
        @Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
        PrototypeCounter prototypeCounter() {
            return new PrototypeCounter();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class StreamerApp {
        @Bean
        ReduceStreamer echo() {
            return (keys, datums, output, md) -> {
                for (Datum datum : datums) {
                    output.send(Message.of(("echo:" + new String(datum.value(), UTF_8)).getBytes(UTF_8), keys));
                }
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class StuckReducerApp {
        @Bean
        Reducer sometimesStuck() {
            return (keys, datums, md) -> {
                while (keys.contains("stuck")) { // ignores interrupts too: the worst a user can write
                    try {
                        if (STUCK_RELEASED.await(1, TimeUnit.DAYS)) {
                            return Messages.empty();
                        }
                    } catch (InterruptedException ignored) {
                        // and waits on
                    }
                }
                return count(keys, datums);
            };
        }
    }

    static final CountDownLatch STUCK_RELEASED = new CountDownLatch(1);

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class GatedCounterApp {
        static final CountDownLatch STARTED = new CountDownLatch(1);
        static final CountDownLatch RELEASE = new CountDownLatch(1);
        static final CountDownLatch SHUTTING_DOWN = new CountDownLatch(1);

        @Bean
        Reducer gatedCounter() {
            return (keys, datums, md) -> {
                STARTED.countDown();
                RELEASE.await();
                return count(keys, datums);
            };
        }

        @EventListener
        void onShutdown(GrpcServerShutdownEvent event) {
            SHUTTING_DOWN.countDown();
        }
    }
}
