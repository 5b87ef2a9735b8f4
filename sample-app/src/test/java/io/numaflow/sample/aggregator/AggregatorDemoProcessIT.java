package io.numaflow.sample.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import io.numaflow.sample.DemoProcess;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The aggregator demo as a user runs it ({@code --spring.profiles.active=demo --sample.style=aggregator}), as a
 * process: two windows of two sensors, every statistic right, and the app exits by itself.
 */
class AggregatorDemoProcessIT {

    @TempDir
    Path dir;

    @Test
    void theAggregatorDemoPlaysTwoWindowsChecksThemAndExitsCleanly() throws Exception {
        String output = DemoProcess.run(dir, "aggregator", "reduce.sock", "reducer-server-info");

        assertThat(output).contains(
                "window [2026-01-01T00:00:00Z, 2026-01-01T00:01:00Z) sensor-a: [counter:4 sum:95 min:19 max:30]",
                "window [2026-01-01T00:00:00Z, 2026-01-01T00:01:00Z) sensor-b: [counter:3 sum:-2 min:-4 max:2]",
                "window [2026-01-01T00:01:00Z, 2026-01-01T00:02:00Z) sensor-a: [counter:1 sum:18 min:18 max:18]",
                "window [2026-01-01T00:01:00Z, 2026-01-01T00:02:00Z) sensor-b: [counter:2 sum:16 min:7 max:9]",
                "Aggregator demo: every statistic is right. Stopping.")
                .doesNotContain("Platform simulator");
    }
}
