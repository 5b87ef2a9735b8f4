package io.numaflow.reducer.bench;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One running server under test, and what Linux and the JVM tell about it: CPU seconds and peak RSS from
 * {@code /proc/<pid>}, heap-after-GC through {@code jcmd}.
 */
final class ServerProcess implements AutoCloseable {

    private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ; `getconf CLK_TCK` is 100 on Linux
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    private final ServerLauncher launcher;
    private final Process process;
    private final Path socket;
    private final Duration startupToHandshake;
    private final Duration startupToListening;

    private ServerProcess(ServerLauncher launcher, Process process, Path socket, Duration startupToHandshake,
            Duration startupToListening) {
        this.launcher = launcher;
        this.process = process;
        this.socket = socket;
        this.startupToHandshake = startupToHandshake;
        this.startupToListening = startupToListening;
    }

    /**
     * Starts the server and waits for its handshake (the server-info file holding the END marker), then for its
     * socket to accept a connection: a server may write the file before it listens (the official SDK 0.9.2
     * does), and a client that trusts the handshake then fails to connect.
     *
     * @param dir a fresh directory for this process's socket, info file and log
     */
    static ServerProcess start(ServerLauncher launcher, List<String> jvmFlags, Path dir, Duration timeout)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path socket = dir.resolve("reduce.sock");
        Path info = dir.resolve("server-info");
        Files.deleteIfExists(info);
        List<String> command = launcher.command(jvmFlags, socket, info);
        Files.writeString(dir.resolve("command.txt"), String.join(" ", command) + "\n");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.log").toFile());
        long started = System.nanoTime();
        Process process = builder.start();
        long deadline = started + timeout.toNanos();
        Duration handshake = null;
        while (true) {
            if (handshake == null && handshakeComplete(info)) {
                handshake = Duration.ofNanos(System.nanoTime() - started);
            }
            if (handshake != null && accepts(socket)) {
                Duration listening = Duration.ofNanos(System.nanoTime() - started);
                return new ServerProcess(launcher, process, socket, handshake, listening);
            }
            if (!process.isAlive()) {
                throw new IOException(launcher.name() + " exited with " + process.exitValue()
                        + " before its handshake; see " + dir.resolve("server.log"));
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IOException(launcher.name() + " wrote no complete server-info file within " + timeout
                        + "; see " + dir.resolve("server.log"));
            }
            Thread.sleep(1);
        }
    }

    private static boolean accepts(Path socket) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean handshakeComplete(Path info) throws IOException {
        try {
            return Files.readString(info, StandardCharsets.UTF_8).contains(UdsServerHost.END_MARKER);
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    String name() {
        return launcher.name();
    }

    long pid() {
        return process.pid();
    }

    Path socket() {
        return socket;
    }

    Duration startupToHandshake() {
        return startupToHandshake;
    }

    Duration startupToListening() {
        return startupToListening;
    }

    void checkAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name() + " died with exit status " + process.exitValue());
        }
    }

    /** User plus system CPU time of the whole process so far, from {@code /proc/<pid>/stat}. */
    double cpuSeconds() throws IOException {
        return cpuSecondsOf(pid());
    }

    static double cpuSecondsOf(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // the command name (field 2) may contain spaces: fields are counted after its closing parenthesis
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long utime = Long.parseLong(fields[11]); // field 14
        long stime = Long.parseLong(fields[12]); // field 15
        return (utime + stime) / (double) CLOCK_TICKS_PER_SECOND;
    }

    /** Peak resident set size (VmHWM) in KiB since the start or the last {@link #resetPeakRss()}. */
    long peakRssKib() throws IOException {
        return statusKib("VmHWM:");
    }

    long rssKib() throws IOException {
        return statusKib("VmRSS:");
    }

    /** Resets VmHWM to the current RSS (writes 5 to {@code /proc/<pid>/clear_refs}); false if refused. */
    boolean resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc", Long.toString(pid()), "clear_refs"), "5");
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private long statusKib(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
            }
        }
        throw new IOException(field + " not in /proc/" + pid() + "/status");
    }

    /**
     * The server's heap occupancy right after a full GC: {@code jcmd <pid> GC.run}, then the "used" of
     * {@code jcmd <pid> GC.heap_info}. jcmd is the one of the JDK that runs this harness.
     */
    long heapAfterGcKib() throws IOException, InterruptedException {
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        Matcher used = HEAP_USED.matcher(info);
        if (!used.find()) {
            throw new IOException("no 'used NK' in jcmd GC.heap_info output:\n" + info);
        }
        return Long.parseLong(used.group(1));
    }

    /**
     * Runs a jcmd diagnostic command against the server and returns its output: in-process through the attach
     * API when the harness JVM allows it ({@code --add-opens jdk.attach/sun.tools.attach=ALL-UNNAMED}, as
     * run.sh starts it: a few milliseconds), otherwise by running the {@code jcmd} tool (a JVM start each).
     */
    String jcmd(String... command) throws IOException, InterruptedException {
        String line = String.join(" ", command);
        try {
            return attachJcmd(line);
        } catch (ReflectiveOperationException | RuntimeException | IOException e) {
            return toolJcmd(command);
        }
    }

    private String attachJcmd(String line) throws ReflectiveOperationException, IOException {
        com.sun.tools.attach.VirtualMachine vm;
        try {
            vm = com.sun.tools.attach.VirtualMachine.attach(Long.toString(pid()));
        } catch (com.sun.tools.attach.AttachNotSupportedException e) {
            throw new IOException(e);
        }
        try {
            java.lang.reflect.Method execute = Class.forName("sun.tools.attach.HotSpotVirtualMachine")
                    .getDeclaredMethod("executeJCmd", String.class);
            execute.setAccessible(true);
            try (java.io.InputStream in = (java.io.InputStream) execute.invoke(vm, line)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } finally {
            vm.detach();
        }
    }

    private String toolJcmd(String... command) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>();
        args.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        args.add(Long.toString(pid()));
        args.addAll(List.of(command));
        Process jcmd = new ProcessBuilder(args).redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
            throw new IOException("jcmd " + String.join(" ", command) + " failed:\n" + out);
        }
        return out;
    }

    /** SIGTERM, then SIGKILL after a few seconds. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
