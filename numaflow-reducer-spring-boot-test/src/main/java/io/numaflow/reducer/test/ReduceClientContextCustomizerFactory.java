package io.numaflow.reducer.test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Gives every Spring test context of an {@link AutoConfigureReduceClient @AutoConfigureReduceClient} test its own
 * temp directory for the UDF's socket, server-info file and error dir, deleted when the context closes.
 *
 * <p>Registered in {@code META-INF/spring.factories}; Spring's test framework calls it, users do not.
 */
public class ReduceClientContextCustomizerFactory implements ContextCustomizerFactory {

    /** Creates the factory (Spring's test framework does). */
    public ReduceClientContextCustomizerFactory() {
    }

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass,
            List<ContextConfigurationAttributes> configAttributes) {
        return TestContextAnnotationUtils.hasAnnotation(testClass, AutoConfigureReduceClient.class)
                ? new TempDirPerContext() : null;
    }

    /**
     * Equal to every other instance, so that it does not split Spring's context cache: the directory is made
     * when a context is, so each cached context has its own.
     */
    private static final class TempDirPerContext implements ContextCustomizer {

        /** Where Spring puts {@code @SpringBootTest(properties)} and {@code @TestPropertySource} properties. */
        private static final String INLINED_TEST_PROPERTIES = "Inlined Test Properties";
        private static final String DYNAMIC_TEST_PROPERTIES = "Dynamic Test Properties";

        @Override
        public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
            Path dir = ShortTempDir.create();
            MapPropertySource paths = new MapPropertySource("numaflowReduceClientPaths", Map.of(
                    "numaflow.reducer.socket-path", dir.resolve("udf.sock").toString(),
                    "numaflow.reducer.server-info-file", dir.resolve("server-info").toString(),
                    "numaflow.reducer.error-dir", dir.resolve("errors").toString()));
            MutablePropertySources sources = context.getEnvironment().getPropertySources();
            if (sources.contains(DYNAMIC_TEST_PROPERTIES)) {
                sources.addAfter(DYNAMIC_TEST_PROPERTIES, paths);
            } else if (sources.contains(INLINED_TEST_PROPERTIES)) {
                sources.addAfter(INLINED_TEST_PROPERTIES, paths);
            } else {
                sources.addFirst(paths);
            }
            // A bean, not a ContextClosedEvent listener: beans are destroyed after the gRPC server has stopped
            // and removed its socket and handshake file, so the directory is empty by then.
            RootBeanDefinition cleanup = new RootBeanDefinition(TempDirCleanup.class, () -> new TempDirCleanup(dir));
            ((BeanDefinitionRegistry) context.getBeanFactory()).registerBeanDefinition("numaflowReduceClientTempDir",
                    cleanup);
        }

        @Override
        public boolean equals(Object other) {
            return other != null && other.getClass() == getClass();
        }

        @Override
        public int hashCode() {
            return TempDirPerContext.class.hashCode();
        }
    }

    /** Deletes a context's temp directory when the context closes. */
    private record TempDirCleanup(Path dir) implements DisposableBean {
        @Override
        public void destroy() {
            ShortTempDir.delete(dir);
        }
    }
}
