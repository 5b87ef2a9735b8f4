package io.numaflow.reducer.bench;

import java.io.PrintStream;

/**
 * Does the server's heap grow with datums or with groups? Heap-after-GC of the server (jcmd {@code GC.run} +
 * {@code GC.heap_info}) is read while the one stream is paused at 25, 50, 75 and 100% of its datums (before the
 * half-close), for two shapes:
 * <ul>
 *   <li>one group of {@code memoryDatums} datums (1,000,000 by default): the heap must stay flat;</li>
 *   <li>10,000 groups with datums interleaved: the heap may hold per-group state, but should not grow as
 *       more datums of the same groups arrive.</li>
 * </ul>
 * The slope between the first and the last pause, in bytes per datum, is what is reported: a server that
 * keeps 64-byte datums would show at least ~100 bytes per datum.
 */
final class MemoryCheck {

    /** Above this many retained bytes per datum, the heap is not flat. */
    static final double FLAT_BYTES_PER_DATUM = 4.0;

    private MemoryCheck() {
    }

    record Probe(Scenario scenario, long[] pausedAt, long[] heapKib) {
        double bytesPerDatum() {
            int last = heapKib.length - 1;
            return (heapKib[last] - heapKib[0]) * 1024.0 / (pausedAt[last] - pausedAt[0]);
        }

        double growthMib() {
            return (heapKib[heapKib.length - 1] - heapKib[0]) / 1024.0;
        }
    }

    record Result(long baselineKib, Probe oneGroup, Probe manyGroups) {
    }

    static Result run(ServerProcess server, BenchMain.Options options, PrintStream log) throws Exception {
        try (LoadGenerator client = new LoadGenerator(server.socket())) {
            client.checkReady();
            // warm the server's paths once, so class loading and JIT do not count as growth
            client.run(new Scenario("mem_warmup", 1, 1, 100, 100), options.runTimeout);
            long baseline = server.heapAfterGcKib();
            log.printf("  memory check %-5s baseline heap after GC %,d KiB%n", server.name(), baseline);
            Probe one = probe(server, client, new Scenario("mem_one_group", 1, 1, 1, (int) options.memoryDatums),
                    options, log);
            int datumsPerGroup = options.quick ? 8 : 40;
            Probe many = probe(server, client, new Scenario("mem_many_groups", 1, 1, 10_000, datumsPerGroup),
                    options, log);
            server.checkAlive();
            return new Result(baseline, one, many);
        }
    }

    private static Probe probe(ServerProcess server, LoadGenerator client, Scenario scenario,
            BenchMain.Options options, PrintStream log) throws Exception {
        long total = scenario.datums();
        long[] pauses = {total / 4, total / 2, total * 3 / 4, total};
        long[] heap = new long[pauses.length];
        int[] index = {0};
        client.run(scenario, options.runTimeout.multipliedBy(2), pauses, sent -> {
            Thread.sleep(300); // let what is in flight reach the server
            heap[index[0]++] = server.heapAfterGcKib();
        });
        Probe probe = new Probe(scenario, pauses, heap);
        log.printf("  memory check %-5s %-15s heap after GC at 25/50/75/100%%: %,d / %,d / %,d / %,d KiB "
                        + "(%.1f bytes per datum)%n", server.name(), scenario.name(), heap[0], heap[1], heap[2],
                heap[3], probe.bytesPerDatum());
        return probe;
    }

}
