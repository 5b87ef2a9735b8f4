package io.numaflow.reducer.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * This starter's version, written into a resource by the build, never hard-coded: the server-info file carries
 * it, and the platform refuses a version below its minimum for Java UDFs.
 */
final class BuildVersion {

    private static final String RESOURCE = "/META-INF/numaflow-reducer/build.properties";

    private BuildVersion() {
    }

    static String get() {
        try (InputStream in = BuildVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the starter's jar");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
