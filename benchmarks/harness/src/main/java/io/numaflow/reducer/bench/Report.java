package io.numaflow.reducer.bench;

import static io.numaflow.reducer.bench.BenchMain.fmt;

import io.numaflow.reducer.bench.BenchMain.Cell;
import io.numaflow.reducer.bench.BenchMain.Stats;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The results as Markdown tables, with the targets evaluated. */
final class Report {

    private Report() {
    }

    static String render(BenchMain.Options options, Map<String, Map<String, Cell>> cells,
            Map<String, List<Long>> startups, Map<String, List<Long>> listening, Map<String, MemoryCheck.Result> memory,
            Duration took) {
        StringBuilder out = new StringBuilder();
        out.append(fmt("### Throughput, latency, CPU and memory per scenario (median of %d run%s after %d warm-up%s)%n%n",
                options.runs, options.runs == 1 ? "" : "s", options.warmups, options.warmups == 1 ? "" : "s"));
        out.append("| scenario | server | datums/s | × floor | × SDK | p99 window (ms) | peak RSS (MiB) "
                + "| server CPU (s) | CPU µs/datum |\n");
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        StringBuilder targets = new StringBuilder();
        for (Map.Entry<String, Map<String, Cell>> scenario : cells.entrySet()) {
            Map<String, Cell> servers = scenario.getValue();
            double floor = median(servers.get("floor"));
            double sdk = median(servers.get("sdk"));
            Scenario shape = Scenario.STANDARD.stream().filter(s -> s.name().equals(scenario.getKey()))
                    .findFirst().orElseThrow().scaled(options.quick ? 4 : 1);
            for (Map.Entry<String, Cell> server : servers.entrySet()) {
                Cell c = server.getValue();
                double tput = median(c);
                double cpu = Stats.median(c.cpu);
                out.append(fmt("| %s | %s | %,.0f | %s | %s | %.1f | %.0f | %.2f | %.2f |%n",
                        scenario.getKey(), server.getKey(), tput, ratio(tput, floor), ratio(tput, sdk),
                        Stats.percentile(c.latencies, 99) / 1e6, Stats.median(c.peakRss) / 1024, cpu,
                        cpu * 1e6 / shape.datums()));
            }
            Cell floorCell = servers.get("floor");
            for (String server : List.of("ours", "aggregator")) {
                Cell cell = servers.get(server);
                if (cell != null && floorCell != null) {
                    targets.append(againstFloor(server, scenario.getKey(), cell, floorCell));
                }
            }
        }
        out.append("\nStartup: from process start until the server-info file holds the END marker (the platform's "
                + "handshake), and until the socket accepts a connection; medians over every start of the server "
                + "in this run:\n\n");
        out.append("| server | startup to handshake (ms) | min–max (ms) | startup to socket accepting (ms) | starts |\n"
                + "|---|---:|---:|---:|---:|\n");
        for (Map.Entry<String, List<Long>> s : startups.entrySet()) {
            List<Long> v = s.getValue();
            if (!v.isEmpty()) {
                out.append(fmt("| %s | %.0f | %d–%d | %.0f | %d |%n", s.getKey(), Stats.median(v),
                        v.stream().mapToLong(Long::longValue).min().orElse(0),
                        v.stream().mapToLong(Long::longValue).max().orElse(0),
                        Stats.median(listening.get(s.getKey())), v.size()));
            }
        }
        if (!memory.isEmpty()) {
            out.append("\nMemory check: server heap after a full GC (jcmd GC.run + GC.heap_info) while the stream "
                    + "is paused at 25/50/75/100% of its datums, before the half-close:\n\n");
            out.append("| server | shape | baseline (KiB) | heap at 25/50/75/100% (KiB) | growth 25→100% (MiB) "
                    + "| retained bytes/datum | flat? |\n|---|---|---:|---|---:|---:|---|\n");
            for (Map.Entry<String, MemoryCheck.Result> m : memory.entrySet()) {
                for (MemoryCheck.Probe p : List.of(m.getValue().oneGroup(), m.getValue().manyGroups())) {
                    long[] h = p.heapKib();
                    out.append(fmt("| %s | %s | %,d | %,d / %,d / %,d / %,d | %.1f | %.1f | %s |%n", m.getKey(),
                            p.scenario().keys() + " group" + (p.scenario().keys() == 1 ? "" : "s") + " × "
                                    + fmt("%,d", p.scenario().datumsPerKey()) + " datums",
                            m.getValue().baselineKib(), h[0], h[1], h[2], h[3], p.growthMib(), p.bytesPerDatum(),
                            p.bytesPerDatum() <= MemoryCheck.FLAT_BYTES_PER_DATUM ? "yes" : "**no**"));
                }
            }
            MemoryCheck.Result ours = memory.get("ours");
            if (ours != null) {
                boolean one = ours.oneGroup().bytesPerDatum() <= MemoryCheck.FLAT_BYTES_PER_DATUM;
                boolean many = ours.manyGroups().bytesPerDatum() <= MemoryCheck.FLAT_BYTES_PER_DATUM;
                targets.append(fmt("- memory, one group × %,d datums: ours retains %.1f bytes/datum: **%s**%n",
                        ours.oneGroup().scenario().datumsPerKey(), ours.oneGroup().bytesPerDatum(),
                        one ? "flat (met)" : "grows (missed)"));
                targets.append(fmt("- memory, 10,000 groups: ours retains %.1f bytes/datum: **%s**%n",
                        ours.manyGroups().bytesPerDatum(),
                        many ? "grows with groups only (met)" : "grows with datums (missed)"));
            }
        }
        if (targets.length() > 0) {
            out.append("\nTargets (ours: issue 9; aggregator: issue 20):\n\n").append(targets);
        }
        out.append(fmt("%nTotal benchmark time: %.0f s. Server JVM flags: `%s`.%n", took.toMillis() / 1000.0,
                String.join(" ", options.jvmFlags)));
        out.append(fmt("Server java: `%s`. ours: %s.%n", options.java,
                options.oursJar != null
                        ? fmt("`%s` (Spring Boot app jar)%s", options.oursJar.getFileName(),
                                options.oursArgs.isEmpty() ? "" : ", with `" + String.join(" ", options.oursArgs) + "`")
                        : "the hosted engine, executor " + options.oursExecutor));
        return out.toString();
    }

    private static double median(Cell cell) {
        return cell == null ? Double.NaN : Stats.median(cell.throughput);
    }

    private static String ratio(double value, double base) {
        return Double.isNaN(base) || base == 0 ? "–" : fmt("%.2f", value / base);
    }

    /**
     * A server's targets against the floor in one scenario. {@code ours} (a {@code Reducer}, issue 9): throughput
     * ≥ 0.8× the floor's in many_keys and few_keys (≥ 0.6× in the others), CPU per datum ≤ 2× and p99 window
     * latency ≤ 3× the floor's; peak RSS ≤ 1.5× in many_keys. {@code aggregator} (issue 20), in every scenario:
     * throughput ≥ 0.9×, CPU per datum ≤ 1.25×, p99 window ≤ 1.5×, peak RSS ≤ 1.3×.
     */
    private static String againstFloor(String server, String scenario, Cell cell, Cell floor) {
        boolean aggregator = server.equals("aggregator");
        boolean headline = scenario.equals("many_keys") || scenario.equals("few_keys");
        double minThroughput = aggregator ? 0.9 : headline ? 0.8 : 0.6;
        double maxCpu = aggregator ? 1.25 : 2;
        double maxP99 = aggregator ? 1.5 : 3;
        double throughput = median(cell) / median(floor);
        double cpu = Stats.median(cell.cpu) / Stats.median(floor.cpu);
        double p99 = Stats.percentile(cell.latencies, 99) / (double) Stats.percentile(floor.latencies, 99);
        StringBuilder out = new StringBuilder(fmt(
                "- %s, %s: throughput %.2f× the floor's (target ≥ %.1f×): **%s**; CPU per datum %.2f× (target ≤ %s×): "
                        + "**%s**; p99 window %.2f× (target ≤ %s×): **%s**",
                server, scenario, throughput, minThroughput, verdict(throughput >= minThroughput), cpu, plain(maxCpu),
                verdict(cpu <= maxCpu), p99, plain(maxP99), verdict(p99 <= maxP99)));
        if (aggregator || scenario.equals("many_keys")) {
            double maxRss = aggregator ? 1.3 : 1.5;
            double rss = Stats.median(cell.peakRss) / Stats.median(floor.peakRss);
            out.append(fmt("; peak RSS %.2f× (target ≤ %.1f×): **%s**", rss, maxRss, verdict(rss <= maxRss)));
        }
        return out.append(System.lineSeparator()).toString();
    }

    /** A target as written: 2, 1.25, 1.5. */
    private static String plain(double target) {
        return java.math.BigDecimal.valueOf(target).stripTrailingZeros().toPlainString();
    }

    private static String verdict(boolean met) {
        return met ? "met" : "missed";
    }
}
