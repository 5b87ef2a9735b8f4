package io.numaflow.reducer.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Defaults the user can override, for the gRPC server Spring Boot brings:
 * <ul>
 *   <li>Netty's bootstrap logger at ERROR: it warns "Unknown channel option 'SO_KEEPALIVE'" for every Unix
 *       socket connection, an option gRPC always sets and that does not apply to Unix sockets;</li>
 *   <li>Spring gRPC's per-message observation off ({@code spring.grpc.server.observation.enabled=false}): its
 *       interceptor runs for every datum of a reduce stream, while the starter's own {@code numaflow.reducer.*}
 *       meters count the same work. {@value #INSTRUMENTATION_PROPERTY}{@code =true} keeps it as Spring Boot
 *       configures it.</li>
 * </ul>
 *
 * <p>The reduce server itself needs no {@code spring.grpc.server.*} property: {@link ReducerGrpcServerAutoConfiguration}
 * binds it to the Unix socket from {@code numaflow.reducer.*}.
 *
 * <p>Runs after the application's configuration files are loaded (it is not ordered ahead of Boot's own
 * post-processors), so it sees the user's settings.
 */
class GrpcServerDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor {

    static final String SOURCE_NAME = "numaflowReducerGrpcDefaults";
    static final String INSTRUMENTATION_PROPERTY = "numaflow.reducer.grpc-instrumentation.enabled";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("logging.level.io.grpc.netty.shaded.io.netty.bootstrap", "ERROR");
        if (!Binder.get(environment).bind(INSTRUMENTATION_PROPERTY, Boolean.class).orElse(false)) {
            defaults.put("spring.grpc.server.observation.enabled", "false");
        }
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, defaults));
    }
}
