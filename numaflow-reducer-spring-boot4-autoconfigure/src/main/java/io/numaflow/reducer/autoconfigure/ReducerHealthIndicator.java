package io.numaflow.reducer.autoconfigure;

import java.nio.file.Path;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;

/**
 * The {@code reducer} health: {@code UP} only while the platform can use the UDF, i.e. once the server-info
 * file is written and until shutdown begins; {@code OUT_OF_SERVICE} before (phase {@code starting}) and
 * after (phase {@code stopping}), so a readiness probe on {@code /actuator/health} sees exactly that.
 */
public class ReducerHealthIndicator extends AbstractHealthIndicator implements ApplicationListener<ContextClosedEvent> {

    private final ServerInfoFile serverInfo;
    private final Path socket;
    private volatile boolean stopping;

    /**
     * @param serverInfo the handshake file, whose writing makes the reducer UP
     * @param socket the socket, reported as a detail
     */
    public ReducerHealthIndicator(ServerInfoFile serverInfo, Path socket) {
        super("Reducer health check failed");
        this.serverInfo = serverInfo;
        this.socket = socket;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        ReducerPhase phase = ReducerPhase.of(serverInfo, stopping);
        builder.withDetail("socket", socket.toString())
                .status(phase.up() ? Status.UP : Status.OUT_OF_SERVICE)
                .withDetail("phase", phase.detail());
    }

    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        stopping = true;
    }
}
