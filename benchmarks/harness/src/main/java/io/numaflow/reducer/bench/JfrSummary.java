package io.numaflow.reducer.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording the way {@code jfr print --events jdk.ExecutionSample} would be read by hand:
 * CPU samples by thread group, the hottest methods by self time (top frame) and by total time (anywhere on the
 * stack, each method counted once per sample), the engine's own methods by total time, and the allocation
 * samples by class and by allocating engine method. Runnable as {@code JfrSummary <file.jfr> [top-n]}.
 */
public final class JfrSummary {

    private JfrSummary() {
    }

    public static void main(String[] args) throws IOException {
        System.out.println(summarise(Path.of(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 20));
    }

    static String summarise(Path recording, int top) throws IOException {
        Map<String, Long> threads = new HashMap<>();
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> total = new HashMap<>();
        Map<String, Long> engineTotal = new HashMap<>();
        Map<String, Long> allocByClass = new HashMap<>();
        Map<String, Long> allocByEngineFrame = new HashMap<>();
        Map<String, Long> monitorBlocked = new HashMap<>();
        long samples = 0;
        long allocated = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
            String type = event.getEventType().getName();
            RecordedStackTrace stack = event.getStackTrace();
            switch (type) {
                case "jdk.ExecutionSample" -> {
                    if (stack == null || stack.getFrames().isEmpty()) {
                        continue;
                    }
                    samples++;
                    threads.merge(threadGroup(event.getThread("sampledThread") == null ? "?"
                            : event.getThread("sampledThread").getJavaName()), 1L, Long::sum);
                    List<RecordedFrame> frames = stack.getFrames();
                    self.merge(method(frames.get(0)), 1L, Long::sum);
                    Set<String> seen = new HashSet<>();
                    for (RecordedFrame frame : frames) {
                        String m = method(frame);
                        if (seen.add(m)) {
                            total.merge(m, 1L, Long::sum);
                            if (isEngine(m)) {
                                engineTotal.merge(m, 1L, Long::sum);
                            }
                        }
                    }
                }
                case "jdk.ObjectAllocationSample" -> {
                    long weight = event.getLong("weight");
                    allocated += weight;
                    allocByClass.merge(event.getClass("objectClass").getName(), weight, Long::sum);
                    if (stack != null) {
                        for (RecordedFrame frame : stack.getFrames()) {
                            String m = method(frame);
                            if (isEngine(m)) {
                                allocByEngineFrame.merge(m + " (line " + frame.getLineNumber() + ")", weight,
                                        Long::sum);
                                break;
                            }
                        }
                    }
                }
                case "jdk.JavaMonitorEnter", "jdk.ThreadPark" -> {
                    if (stack != null) {
                        for (RecordedFrame frame : stack.getFrames()) {
                            String m = method(frame);
                            if (isEngine(m)) {
                                monitorBlocked.merge(type.substring(4) + " in " + m, event.getDuration().toMillis(),
                                        Long::sum);
                                break;
                            }
                        }
                    }
                }
                default -> {
                }
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(BenchMain.fmt("%,d execution samples%n", samples));
        section(out, "CPU samples by thread", threads, samples, top, "");
        section(out, "Hottest methods, self (top frame)", self, samples, top, "");
        section(out, "Hottest methods, total (anywhere on the stack)", total, samples, top, "");
        section(out, "Engine and harness methods, total", engineTotal, samples, top, "");
        out.append(BenchMain.fmt("%nAllocation samples: %,d MiB estimated in all%n", allocated >> 20));
        section(out, "Allocated, by class", allocByClass, allocated, top, "MiB");
        section(out, "Allocated, by nearest engine frame", allocByEngineFrame, allocated, top, "MiB");
        if (!monitorBlocked.isEmpty()) {
            section(out, "Blocked/parked time (ms, events above the JFR threshold) by nearest engine frame",
                    monitorBlocked, 0, top, "ms");
        }
        return out.toString();
    }

    private static void section(StringBuilder out, String title, Map<String, Long> counts, long whole, int top,
            String unit) {
        out.append("\n").append(title).append(":\n");
        List<Map.Entry<String, Long>> sorted = counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .collect(Collectors.toList());
        for (Map.Entry<String, Long> e : sorted) {
            String amount = switch (unit) {
                case "MiB" -> BenchMain.fmt("%8.1f MiB", e.getValue() / 1048576.0);
                case "ms" -> BenchMain.fmt("%8d ms", e.getValue());
                default -> BenchMain.fmt("%8d", e.getValue());
            };
            String share = whole > 0 ? BenchMain.fmt("%5.1f%%", 100.0 * e.getValue() / whole) : "";
            out.append(BenchMain.fmt("  %s %s  %s%n", amount, share, e.getKey()));
        }
    }

    private static boolean isEngine(String method) {
        return method.startsWith("io.numaflow.reducer.");
    }

    private static String method(RecordedFrame frame) {
        return frame.getMethod() == null ? "?" : frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    // "grpc-transport-3" -> "grpc-transport-N": one line per pool
    private static String threadGroup(String name) {
        return name == null ? "?" : name.replaceAll("\\d+", "N");
    }
}
