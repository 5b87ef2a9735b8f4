package io.numaflow.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What every runner of the {@code demo} profile does last: it plays the platform with the test kit's
 * {@code ReduceClient}, then stops the application with its verdict as the exit status.
 */
public final class DemoPlatform {

    private DemoPlatform() {
    }

    /**
     * Stops the application: exit status 0 when the demo saw what it expected, 1 otherwise.
     *
     * @param context the application
     * @param correct the demo's verdict
     */
    public static void exit(ConfigurableApplicationContext context, boolean correct) {
        System.exit(SpringApplication.exit(context, () -> correct ? 0 : 1));
    }
}
