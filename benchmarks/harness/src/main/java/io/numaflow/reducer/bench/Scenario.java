package io.numaflow.reducer.bench;

import java.util.List;

/**
 * A load shape: {@code windows} windows (one {@code ReduceFn} stream each), at most {@code concurrent} open at
 * once, each with {@code keys} groups of {@code datumsPerKey} datums, keys interleaved round-robin as a
 * platform reading a partition sees them.
 */
record Scenario(String name, int windows, int concurrent, int keys, int datumsPerKey) {

    Scenario {
        if (windows < 1 || concurrent < 1 || keys < 1 || datumsPerKey < 1) {
            throw new IllegalArgumentException("every scenario dimension must be >= 1");
        }
    }

    long datums() {
        return (long) windows * keys * datumsPerKey;
    }

    /** The same shape with fewer datums per key (or fewer keys when each has one datum): for --quick. */
    Scenario scaled(int divisor) {
        if (divisor == 1) {
            return this;
        }
        return datumsPerKey >= divisor
                ? new Scenario(name, windows, concurrent, keys, datumsPerKey / divisor)
                : new Scenario(name, windows, concurrent, Math.max(1, keys / divisor), datumsPerKey);
    }

    String shape() {
        String open = concurrent >= windows ? windows + " concurrent" : windows + " (" + concurrent + " open)";
        return open + " × " + keys + " keys × " + datumsPerKey + " datums";
    }

    /** The team's issue 6 scenarios. */
    static final List<Scenario> STANDARD = List.of(
            new Scenario("many_keys", 8, 8, 1_000, 100),
            new Scenario("few_keys", 8, 8, 4, 25_000),
            new Scenario("high_card", 1, 1, 50_000, 1),
            new Scenario("steady", 32, 4, 200, 50));
}
