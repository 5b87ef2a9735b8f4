package io.numaflow.reducer.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Defaults the user can override, for the gRPC server the starter brings:
 * <ul>
 *   <li>{@code grpc.server.port=-1}: net.devh's own TCP server is off (see below);</li>
 *   <li>Netty's bootstrap logger at ERROR: it warns "Unknown channel option 'SO_KEEPALIVE'" for every Unix
 *       socket connection, an option gRPC always sets and that does not apply to Unix sockets;</li>
 *   <li>net.devh's per-message gRPC instrumentation off: its meter interceptor ({@code grpc.server.*}
 *       meters, by excluding {@code GrpcServerMetricAutoConfiguration}, added to the user's own exclusions),
 *       its A66 stream tracers ({@code grpc.metricsA66Enabled=false}) and its observation interceptor
 *       ({@code management.tracing.grpc.enabled=false}). They run for every datum of a reduce stream and cost
 *       about 12% CPU per datum (docs/PERFORMANCE.md), while the starter's own {@code numaflow.reducer.*}
 *       meters count the same work. {@value #INSTRUMENTATION_PROPERTY}{@code =true} keeps all three as
 *       net.devh configures them; {@code management.tracing.grpc.enabled=true} alone brings back tracing.</li>
 * </ul>
 *
 * <p>The reduce server is created by {@link ReducerGrpcServerAutoConfiguration} on the Unix socket, only when a
 * {@code Reducer} bean is served. Without the port default, an application with the starter but no Reducer (or
 * with {@code numaflow.reducer.enabled=false}) would still open an empty gRPC server on TCP port 9090.
 *
 * <p>Runs after the application's configuration files are loaded (it is not ordered ahead of Boot's own
 * post-processors), so it sees the user's settings.
 */
class GrpcServerDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor {

    static final String SOURCE_NAME = "numaflowReducerGrpcDefaults";
    static final String EXCLUSIONS_SOURCE_NAME = "numaflowReducerGrpcExclusions";
    static final String INSTRUMENTATION_PROPERTY = "numaflow.reducer.grpc-instrumentation.enabled";
    static final String METRIC_AUTO_CONFIGURATION =
            "net.devh.boot.grpc.server.autoconfigure.GrpcServerMetricAutoConfiguration";
    private static final String EXCLUDE = "spring.autoconfigure.exclude";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("grpc.server.port", "-1");
        defaults.put("logging.level.io.grpc.netty.shaded.io.netty.bootstrap", "ERROR");
        Binder binder = Binder.get(environment);
        if (!binder.bind(INSTRUMENTATION_PROPERTY, Boolean.class).orElse(false)) {
            defaults.put("grpc.metricsA66Enabled", "false");
            defaults.put("management.tracing.grpc.enabled", "false");
            // Boot reads the exclusions from one property source only: ours goes first and keeps the user's.
            List<String> exclusions = new ArrayList<>(binder.bind(EXCLUDE, Bindable.listOf(String.class))
                    .orElse(List.of()));
            if (!exclusions.contains(METRIC_AUTO_CONFIGURATION)) {
                exclusions.add(METRIC_AUTO_CONFIGURATION);
            }
            environment.getPropertySources().addFirst(new MapPropertySource(EXCLUSIONS_SOURCE_NAME,
                    Map.of(EXCLUDE, String.join(",", exclusions))));
        }
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, defaults));
    }
}
