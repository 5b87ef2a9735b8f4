package io.numaflow.sample.aggregator;

/**
 * The running statistics of one sensor's readings in one window: how many arrived, and the sum, minimum and
 * maximum of those that are decimal integers. Mutable: {@link ReadingStatsAggregator} folds each reading into it.
 */
final class ReadingStats {

    private long count;
    private long numbers;
    private long sum;
    private long min = Long.MAX_VALUE;
    private long max = Long.MIN_VALUE;

    /** Counts one reading; adds it to sum, min and max if it is a decimal integer. */
    void add(byte[] reading) {
        count++;
        long value = 0;
        boolean negative = reading.length > 1 && reading[0] == '-';
        int i = negative ? 1 : 0;
        if (i == reading.length) {
            return; // empty
        }
        for (; i < reading.length; i++) {
            int digit = reading[i] - '0';
            if (digit < 0 || digit > 9) {
                return; // not a number: counted only (parsed by hand: an exception per datum would cost more)
            }
            value = value * 10 + digit;
        }
        value = negative ? -value : value;
        numbers++;
        sum += value;
        min = Math.min(min, value);
        max = Math.max(max, value);
    }

    /** {@code counter:<n> sum:<s> min:<m> max:<M>}; min and max are {@code -} when no reading was a number. */
    String text() {
        return "counter:" + count + " sum:" + sum
                + " min:" + (numbers == 0 ? "-" : Long.toString(min))
                + " max:" + (numbers == 0 ? "-" : Long.toString(max));
    }
}
