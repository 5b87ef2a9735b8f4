package io.numaflow.reducer.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How to start one server under test as its own process. Every server gets the same JVM flags, its own
 * socket and server-info file, and is ready once that file holds the END marker (the platform's handshake).
 */
public interface ServerLauncher {

    /** The name in the results table. */
    String name();

    /**
     * The full command line.
     *
     * @param jvmFlags flags every server JVM gets, identical across servers
     * @param socket the Unix domain socket to serve on
     * @param serverInfoFile the handshake file to write once listening
     */
    List<String> command(List<String> jvmFlags, Path socket, Path serverInfoFile);

    /** A {@code main} class on a classpath, given socket and server-info paths (and fixed extra args). */
    record JavaMain(String name, Path java, String classpath, String mainClass, List<String> argsBefore,
            List<String> argsAfter) implements ServerLauncher {
        @Override
        public List<String> command(List<String> jvmFlags, Path socket, Path serverInfoFile) {
            List<String> command = new ArrayList<>();
            command.add(java.toString());
            command.addAll(jvmFlags);
            command.add("-cp");
            command.add(classpath);
            command.add(mainClass);
            command.addAll(argsBefore);
            command.add(socket.toString());
            command.add(serverInfoFile.toString());
            command.addAll(argsAfter);
            return command;
        }
    }

    /**
     * A Spring Boot application (the starter's sample app) as an executable jar, configured through the
     * starter's own properties. This is what "ours" becomes once the auto-configuration lands:
     * {@code run.sh --ours-jar sample-app/target/<app>.jar}.
     */
    record SpringBootJar(String name, Path java, Path jar, List<String> extraArgs) implements ServerLauncher {
        @Override
        public List<String> command(List<String> jvmFlags, Path socket, Path serverInfoFile) {
            List<String> command = new ArrayList<>();
            command.add(java.toString());
            command.addAll(jvmFlags);
            command.add("-jar");
            command.add(jar.toString());
            command.add("--numaflow.reducer.socket-path=" + socket);
            command.add("--numaflow.reducer.server-info-file=" + serverInfoFile);
            command.add("--numaflow.reducer.error-dir=" + serverInfoFile.getParent().resolve("errors"));
            command.add("--server.port=0"); // several app servers (ours, streamer) run side by side
            command.addAll(extraArgs);
            return command;
        }
    }
}
