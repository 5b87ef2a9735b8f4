package io.numaflow.reducer.autoconfigure;

import static io.numaflow.reducer.wire.RawReduceDriver.window;
import static org.assertj.core.api.Assertions.assertThat;

import io.numaflow.reducer.Messages;
import io.numaflow.reducer.Reducer;
import io.numaflow.reducer.wire.RawReduceDriver;
import io.numaflow.reducer.wire.TestApplications;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Which threads run the handlers, in a whole application over the real socket. Also run on Java 25 by the
 * java25 profile, where the answer differs.
 */
class VirtualThreadsTest {

    @TempDir
    Path dir;

    /**
     * On Java 21+ handlers run on virtual threads unless {@code numaflow.reducer.virtual-threads=false}, whatever
     * {@code spring.threads.virtual.enabled} says; on Java 17 on platform threads. Either way never on the
     * transport's threads.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no property                                                          | true",
            "numaflow.reducer.virtual-threads=false                               | false",
            "spring.threads.virtual.enabled=true                                  | true",
            "spring.threads.virtual.enabled=false                                 | true",
            "numaflow.reducer.virtual-threads=false,spring.threads.virtual.enabled=true | false"})
    void handlersRunOnVirtualThreadsByDefaultOnJava21AndOnPlatformThreadsOtherwise(String properties,
            boolean virtualOnJava21) throws Exception {
        boolean java21 = Runtime.version().feature() >= 21;
        String[] set = properties.equals("no property") ? new String[0] : properties.split(",");
        try (ConfigurableApplicationContext context = TestApplications.start(dir, ThreadRecordingApp.class, set);
                RawReduceDriver client = new RawReduceDriver(dir.resolve("run/reduce.sock"))) {
            ThreadRecordingApp.THREADS.clear();
            client.open().send(window(0, 1000), List.of("k"), "v").closeAndAwait();

            Thread reducerThread = ThreadRecordingApp.THREADS.get(0);
            assertThat(isVirtual(reducerThread)).as("%s on Java %s", properties, Runtime.version())
                    .isEqualTo(virtualOnJava21 && java21);
            assertThat(reducerThread.getName()).startsWith("numaflow-reducer-");
            assertThat(reducerThread.getName()).doesNotContain("grpc");
        }
    }

    private static boolean isVirtual(Thread thread) throws Exception {
        try {
            return (boolean) Thread.class.getMethod("isVirtual").invoke(thread); // Java 21+
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class ThreadRecordingApp {
        static final List<Thread> THREADS = new CopyOnWriteArrayList<>();

        @Bean
        Reducer threadRecorder() {
            return (keys, datums, md) -> {
                THREADS.add(Thread.currentThread());
                datums.forEach(datum -> { });
                return Messages.empty();
            };
        }
    }
}
