package io.numaflow.reducer.autoconfigure;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Defaults the user can override, for the gRPC server the starter brings:
 * <ul>
 *   <li>{@code grpc.server.port=-1}: net.devh's own TCP server is off (see below);</li>
 *   <li>Netty's bootstrap logger at ERROR: it warns "Unknown channel option 'SO_KEEPALIVE'" for every Unix
 *       socket connection, an option gRPC always sets and that does not apply to Unix sockets.</li>
 * </ul>
 *
 * <p>The reduce server is created by {@link ReducerGrpcServerAutoConfiguration} on the Unix socket, only when a
 * {@code Reducer} bean is served. Without this default, an application with the starter but no Reducer (or with
 * {@code numaflow.reducer.enabled=false}) would still open an empty gRPC server on TCP port 9090.
 */
class GrpcServerDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor {

    static final String SOURCE_NAME = "numaflowReducerGrpcDefaults";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, Map.of("grpc.server.port", "-1",
                "logging.level.io.grpc.netty.shaded.io.netty.bootstrap", "ERROR")));
    }
}
