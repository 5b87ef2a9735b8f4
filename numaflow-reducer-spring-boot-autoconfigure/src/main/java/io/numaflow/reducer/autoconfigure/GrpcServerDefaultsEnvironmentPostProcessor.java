package io.numaflow.reducer.autoconfigure;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Turns off net.devh's default TCP server ({@code grpc.server.port=-1}, as a default the user can override).
 *
 * <p>The reduce server is created by {@link ReducerGrpcServerAutoConfiguration} on the Unix socket, only when a
 * {@code Reducer} bean is served. Without this default, an application with the starter but no Reducer (or with
 * {@code numaflow.reducer.enabled=false}) would still open an empty gRPC server on TCP port 9090.
 */
class GrpcServerDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor {

    static final String SOURCE_NAME = "numaflowReducerGrpcDefaults";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, Map.of("grpc.server.port", "-1")));
    }
}
