package io.numaflow.reducer.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The benchmark runner: starts every server under test in its own JVM (identical flags), drives each
 * scenario against them in alternating order after a warm-up, measures throughput, window latency, peak RSS,
 * CPU seconds and startup-to-handshake, runs the memory check, and prints the table (also written as
 * {@code results.md} in the output directory). See benchmarks/README.md for the options.
 */
public final class BenchMain {

    private BenchMain() {
    }

    static final class Options {
        boolean quick;
        int runs = 3;
        int warmups = 1;
        List<String> servers = List.of("floor", "ours", "sdk");
        List<String> scenarios = new ArrayList<>();
        Path out;
        String harnessClasspath;
        String sdkClasspath;
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> jvmFlags = List.of("-Xms64m", "-Xmx2g", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        Path oursJar;
        /** More packaged apps, each a server of its own name, run as ours is (e.g. the jar of an earlier commit). */
        Map<String, Path> appJars = new LinkedHashMap<>();
        List<String> oursArgs = new ArrayList<>();
        String oursExecutor = "pooled";
        int transportThreads = 4;
        int floorWindow = 64;
        boolean memory = true;
        long memoryDatums = 1_000_000;
        boolean profile;
        Duration runTimeout = Duration.ofMinutes(3);

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--quick" -> o.quick = true;
                    case "--runs" -> o.runs = Integer.parseInt(args[++i]);
                    case "--warmups" -> o.warmups = Integer.parseInt(args[++i]);
                    case "--servers" -> o.servers = List.of(args[++i].split(","));
                    case "--scenarios" -> o.scenarios = List.of(args[++i].split(","));
                    case "--out" -> o.out = Path.of(args[++i]);
                    case "--harness-classpath" -> o.harnessClasspath = args[++i];
                    case "--sdk-classpath" -> o.sdkClasspath = args[++i];
                    case "--java" -> o.java = Path.of(args[++i]);
                    case "--jvm-flags" -> o.jvmFlags = List.of(args[++i].trim().split("\\s+"));
                    case "--ours-jar" -> o.oursJar = Path.of(args[++i]);
                    case "--ours-arg" -> o.oursArgs.add(args[++i]);
                    case "--app" -> {
                        String[] app = args[++i].split("=", 2);
                        o.appJars.put(app[0], Path.of(app[1]));
                    }
                    case "--ours-executor" -> o.oursExecutor = args[++i];
                    case "--transport-threads" -> o.transportThreads = Integer.parseInt(args[++i]);
                    case "--floor-window" -> o.floorWindow = Integer.parseInt(args[++i]);
                    case "--no-memory" -> o.memory = false;
                    case "--memory-datums" -> o.memoryDatums = Long.parseLong(args[++i]);
                    case "--profile" -> o.profile = true;
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (o.quick) {
                o.runs = Math.min(o.runs, 1);
                o.warmups = Math.min(o.warmups, 1);
                o.memoryDatums = Math.min(o.memoryDatums, 200_000);
            }
            if (!o.oursArgs.isEmpty() && o.oursJar == null) {
                throw new IllegalArgumentException("--ours-arg needs --ours-jar");
            }
            if (o.harnessClasspath == null) {
                o.harnessClasspath = System.getProperty("java.class.path");
            }
            if (o.out == null) {
                o.out = Path.of("benchmarks", "target", "results",
                        LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            }
            return o;
        }
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Files.createDirectories(options.out);
        if (options.profile) {
            Profiler.run(options, launchers(options));
            return;
        }
        new BenchMain.Run(options).execute();
    }

    static Map<String, ServerLauncher> launchers(Options o) {
        Map<String, ServerLauncher> all = new LinkedHashMap<>();
        for (String name : o.servers) {
            if (o.appJars.containsKey(name)) {
                all.put(name, new ServerLauncher.SpringBootJar(name, o.java, o.appJars.get(name), Stream.concat(
                        Stream.of("--numaflow.reducer.max-threads=" + o.transportThreads), o.oursArgs.stream()).toList()));
                continue;
            }
            ServerLauncher launcher = switch (name) {
                case "floor" -> new ServerLauncher.JavaMain("floor", o.java, o.harnessClasspath,
                        ServerMain.class.getName(), List.of("floor"),
                        List.of(Integer.toString(o.transportThreads), Integer.toString(o.floorWindow)));
                case "ours" -> o.oursJar != null
                        ? new ServerLauncher.SpringBootJar("ours", o.java, o.oursJar, Stream.concat(
                                Stream.of("--numaflow.reducer.max-threads=" + o.transportThreads),
                                o.oursArgs.stream()).toList())
                        : new ServerLauncher.JavaMain("ours", o.java, o.harnessClasspath, ServerMain.class.getName(),
                                List.of("ours"), List.of(Integer.toString(o.transportThreads), o.oursExecutor));
                // The ReduceStreamer kind: the sample app's streaming counter with its running counts off (one
                // result per group, like the others), or the engine hosted without Spring.
                case "streamer" -> o.oursJar != null
                        ? new ServerLauncher.SpringBootJar("streamer", o.java, o.oursJar, Stream.concat(
                                Stream.of("--numaflow.reducer.max-threads=" + o.transportThreads,
                                        "--sample.style=streaming", "--sample.streaming.every=0"),
                                o.oursArgs.stream()).toList())
                        : new ServerLauncher.JavaMain("streamer", o.java, o.harnessClasspath,
                                ServerMain.class.getName(), List.of("streamer"),
                                List.of(Integer.toString(o.transportThreads), o.oursExecutor));
                // The Aggregator kind: the sample app's reading statistics (count, sum, min and max per group;
                // the load generator checks the count), or the engine hosted without Spring counting.
                case "aggregator" -> o.oursJar != null
                        ? new ServerLauncher.SpringBootJar("aggregator", o.java, o.oursJar, Stream.concat(
                                Stream.of("--numaflow.reducer.max-threads=" + o.transportThreads,
                                        "--sample.style=aggregator"),
                                o.oursArgs.stream()).toList())
                        : new ServerLauncher.JavaMain("aggregator", o.java, o.harnessClasspath,
                                ServerMain.class.getName(), List.of("aggregator"),
                                List.of(Integer.toString(o.transportThreads), o.oursExecutor));
                case "sdk" -> {
                    if (o.sdkClasspath == null) {
                        throw new IllegalArgumentException("--sdk-classpath is needed for the sdk server");
                    }
                    yield new ServerLauncher.JavaMain("sdk", o.java, o.sdkClasspath,
                            "io.numaflow.reducer.bench.sdk.OfficialSdkCounterServer", List.of(), List.of());
                }
                default -> throw new IllegalArgumentException("unknown server " + name + " (floor, ours, streamer, aggregator, sdk)");
            };
            all.put(name, launcher);
        }
        return all;
    }

    static List<Scenario> scenarios(Options o) {
        List<Scenario> chosen = new ArrayList<>();
        for (Scenario s : Scenario.STANDARD) {
            if (o.scenarios.isEmpty() || o.scenarios.contains(s.name())) {
                chosen.add(s.scaled(o.quick ? 4 : 1));
            }
        }
        return chosen;
    }

    /** Measurements of one server on one scenario. */
    static final class Cell {
        final List<Double> throughput = new ArrayList<>();
        final List<Long> latencies = new ArrayList<>();
        final List<Long> peakRss = new ArrayList<>();
        final List<Double> cpu = new ArrayList<>();
        final List<Double> clientCpu = new ArrayList<>();
    }

    static final class Run {
        private final Options options;
        private final Map<String, ServerLauncher> launchers;
        private final PrintStream log = System.out;
        private final Map<String, Map<String, Cell>> cells = new LinkedHashMap<>(); // scenario -> server
        private final Map<String, List<Long>> startups = new LinkedHashMap<>(); // server -> startup ms
        private final Map<String, List<Long>> listening = new LinkedHashMap<>(); // server -> to listening ms
        private final Map<String, MemoryCheck.Result> memory = new LinkedHashMap<>();
        private int processSeq;

        Run(Options options) {
            this.options = options;
            this.launchers = launchers(options);
            launchers.keySet().forEach(name -> startups.put(name, new ArrayList<>()));
            launchers.keySet().forEach(name -> listening.put(name, new ArrayList<>()));
        }

        void execute() throws Exception {
            long begin = System.nanoTime();
            log.printf("Benchmark: servers %s, %d warm-up + %d measured runs per scenario%s; output %s%n",
                    launchers.keySet(), options.warmups, options.runs, options.quick ? " (quick)" : "",
                    options.out.toAbsolutePath());
            log.printf("Server JVM flags (identical for every server): %s%n", String.join(" ", options.jvmFlags));
            for (Scenario scenario : scenarios(options)) {
                runScenario(scenario);
            }
            if (options.memory) {
                for (String name : launchers.keySet()) {
                    try (ServerProcess server = start(name)) {
                        memory.put(name, MemoryCheck.run(server, options, log));
                    }
                }
            }
            String report = Report.render(options, cells, startups, listening, memory,
                    Duration.ofNanos(System.nanoTime() - begin));
            log.println();
            log.println(report);
            Files.writeString(options.out.resolve("results.md"), report, StandardCharsets.UTF_8);
        }

        ServerProcess start(String name) throws Exception {
            Path dir = options.out.resolve("servers").resolve(String.format("%02d-%s", ++processSeq, name));
            ServerProcess server = ServerProcess.start(launchers.get(name), options.jvmFlags, dir,
                    Duration.ofMinutes(2));
            startups.get(name).add(server.startupToHandshake().toMillis());
            listening.get(name).add(server.startupToListening().toMillis());
            log.printf("  started %-5s pid %d, handshake after %d ms, socket accepting after %d ms%n", name,
                    server.pid(), server.startupToHandshake().toMillis(), server.startupToListening().toMillis());
            return server;
        }

        private void runScenario(Scenario scenario) throws Exception {
            log.printf("%nScenario %s: %s = %,d datums%n", scenario.name(), scenario.shape(), scenario.datums());
            Map<String, Cell> byServer = new LinkedHashMap<>();
            cells.put(scenario.name(), byServer);
            List<ServerProcess> servers = new ArrayList<>();
            List<LoadGenerator> clients = new ArrayList<>();
            try {
                // One process per server for the whole scenario, started one after the other (so startups do
                // not compete), each with its own client connection.
                for (String name : launchers.keySet()) {
                    ServerProcess server = start(name);
                    servers.add(server);
                    LoadGenerator client = new LoadGenerator(server.socket());
                    clients.add(client);
                    client.checkReady();
                    byServer.put(name, new Cell());
                }
                // Warm-up on a quarter of the scenario: enough for the JIT, and the slowest server sets the pace.
                Scenario warmup = scenario.scaled(4);
                for (int w = 0; w < options.warmups; w++) {
                    for (int s = 0; s < servers.size(); s++) {
                        LoadGenerator.Result r = clients.get(s).run(warmup, options.runTimeout);
                        log.printf("  warm-up %d %-5s %,12.0f datums/s%n", w + 1, servers.get(s).name(),
                                r.datumsPerSecond());
                    }
                }
                for (int run = 0; run < options.runs; run++) {
                    // Alternate: each round starts with the next server, so no server always follows another.
                    for (int i = 0; i < servers.size(); i++) {
                        int s = (run + i) % servers.size();
                        ServerProcess server = servers.get(s);
                        Cell cell = byServer.get(server.name());
                        server.resetPeakRss();
                        double cpuBefore = server.cpuSeconds();
                        double clientBefore = ServerProcess.cpuSecondsOf(ProcessHandle.current().pid());
                        LoadGenerator.Result r = clients.get(s).run(scenario, options.runTimeout);
                        double cpu = server.cpuSeconds() - cpuBefore;
                        double clientCpu = ServerProcess.cpuSecondsOf(ProcessHandle.current().pid()) - clientBefore;
                        cell.clientCpu.add(clientCpu);
                        long peak = server.peakRssKib();
                        server.checkAlive();
                        cell.throughput.add(r.datumsPerSecond());
                        Arrays.stream(r.windowLatencyNanos()).forEach(cell.latencies::add);
                        cell.cpu.add(cpu);
                        cell.peakRss.add(peak);
                        log.printf("  run %d    %-5s %,12.0f datums/s  p99 window %7.1f ms  cpu %6.2f s  "
                                        + "peak RSS %5d MiB  (load generator cpu %5.2f s)%n", run + 1, server.name(),
                                r.datumsPerSecond(),
                                Stats.percentile(Arrays.stream(r.windowLatencyNanos()).boxed().toList(), 99) / 1e6,
                                cpu, peak / 1024, clientCpu);
                    }
                }
            } finally {
                for (LoadGenerator client : clients) {
                    client.close();
                }
                for (ServerProcess server : servers) {
                    server.close();
                }
            }
        }
    }

    /** Medians and percentiles. */
    static final class Stats {
        private Stats() {
        }

        static double median(List<? extends Number> values) {
            return percentile(values, 50);
        }

        /** Nearest-rank percentile; NaN for no values. */
        static double percentile(List<? extends Number> values, double p) {
            if (values.isEmpty()) {
                return Double.NaN;
            }
            double[] sorted = values.stream().mapToDouble(Number::doubleValue).sorted().toArray();
            if (p == 50 && sorted.length % 2 == 0) {
                return (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
            }
            int rank = (int) Math.ceil(p / 100.0 * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
        }
    }

    static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    static void writeString(Path path, String text) throws IOException {
        Files.writeString(path, text, StandardCharsets.UTF_8);
    }
}
