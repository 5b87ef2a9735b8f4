package io.numaflow.reducer.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * {@code --profile}: records a JFR profile ({@code settings=profile}, started and dumped with jcmd, so startup
 * and warm-up are left out) of each chosen server over each chosen scenario, and prints a summary of the
 * execution and allocation samples ({@link JfrSummary}). Profiling changes timings: its runs are not part of
 * the results table.
 */
final class Profiler {

    private Profiler() {
    }

    static void run(BenchMain.Options options, Map<String, ServerLauncher> launchers) throws Exception {
        int seq = 0;
        for (Map.Entry<String, ServerLauncher> entry : launchers.entrySet()) {
            for (Scenario scenario : BenchMain.scenarios(options)) {
                Path dir = options.out.resolve("profile").resolve(String.format("%02d-%s-%s", ++seq, entry.getKey(),
                        scenario.name()));
                try (ServerProcess server = ServerProcess.start(entry.getValue(), options.jvmFlags, dir,
                        Duration.ofMinutes(2));
                        LoadGenerator client = new LoadGenerator(server.socket())) {
                    client.checkReady();
                    for (int w = 0; w < options.warmups; w++) {
                        client.run(scenario.scaled(4), options.runTimeout);
                    }
                    server.jcmd("JFR.start", "name=bench", "settings=profile");
                    double cpuBefore = server.cpuSeconds();
                    long datums = 0;
                    long nanos = 0;
                    for (int r = 0; r < options.runs; r++) {
                        LoadGenerator.Result result = client.run(scenario, options.runTimeout);
                        datums += result.datums();
                        nanos += result.wallNanos();
                    }
                    double cpu = server.cpuSeconds() - cpuBefore;
                    Path jfr = dir.resolve(entry.getKey() + "-" + scenario.name() + ".jfr").toAbsolutePath();
                    server.jcmd("JFR.dump", "name=bench", "filename=" + jfr);
                    server.jcmd("JFR.stop", "name=bench");
                    String header = BenchMain.fmt("== %s / %s: %,d datums in %.1f s under JFR (%,.0f datums/s), "
                                    + "server CPU %.1f s; recording %s%n", entry.getKey(), scenario.name(), datums,
                            nanos / 1e9, datums / (nanos / 1e9), cpu, jfr);
                    String summary = header + JfrSummary.summarise(jfr, 20);
                    BenchMain.writeString(dir.resolve("summary.txt"), summary);
                    System.out.println(summary);
                }
            }
        }
    }

}
