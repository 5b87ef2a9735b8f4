package io.numaflow.reducer.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.test.context.ContextCustomizer;

/** The per-context temp directory, without starting a whole application. */
class ReduceClientContextCustomizerFactoryTest {

    final ReduceClientContextCustomizerFactory factory = new ReduceClientContextCustomizerFactory();

    @AutoConfigureReduceClient
    static class Annotated {
    }

    static class SubclassOfAnnotated extends Annotated {
    }

    static class Plain {
    }

    @Test
    void onlyAnnotatedTestsAreCustomizedAndAllAlikeSoSpringsContextCacheIsNotSplit() {
        ContextCustomizer first = factory.createContextCustomizer(Annotated.class, List.of());

        assertThat(first).isNotNull().isEqualTo(factory.createContextCustomizer(SubclassOfAnnotated.class, List.of()))
                .hasSameHashCodeAs(factory.createContextCustomizer(Annotated.class, List.of()));
        assertThat(factory.createContextCustomizer(Plain.class, List.of())).isNull();
    }

    @Test
    void eachContextGetsItsOwnShortDirectoryDeletedWhenTheContextCloses() throws Exception {
        ContextCustomizer customizer = factory.createContextCustomizer(Annotated.class, List.of());
        GenericApplicationContext one = new GenericApplicationContext();
        GenericApplicationContext two = new GenericApplicationContext();
        customizer.customizeContext(one, null);
        customizer.customizeContext(two, null);
        one.refresh();
        two.refresh();
        Path socket = Path.of(one.getEnvironment().getProperty("numaflow.reducer.socket-path"));
        Path dir = socket.getParent();

        assertThat(socket.toString().length()).isLessThanOrEqualTo(ShortTempDir.MAX_SOCKET_PATH_BYTES);
        assertThat(one.getEnvironment().getProperty("numaflow.reducer.server-info-file"))
                .isEqualTo(dir.resolve("server-info").toString());
        assertThat(one.getEnvironment().getProperty("numaflow.reducer.error-dir"))
                .isEqualTo(dir.resolve("errors").toString());
        assertThat(two.getEnvironment().getProperty("numaflow.reducer.socket-path")).isNotEqualTo(socket.toString());
        Files.writeString(dir.resolve("left-behind"), "x");

        one.close();
        two.close();

        assertThat(dir).doesNotExist();
        assertThat(Path.of(two.getEnvironment().getProperty("numaflow.reducer.socket-path")).getParent()).doesNotExist();
    }
}
