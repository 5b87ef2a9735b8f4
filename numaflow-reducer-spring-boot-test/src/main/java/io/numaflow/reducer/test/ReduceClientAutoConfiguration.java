package io.numaflow.reducer.test;

import io.numaflow.reducer.autoconfigure.NumaflowReducerProperties;
import io.numaflow.reducer.autoconfigure.ReducerAutoConfiguration;
import io.numaflow.reducer.autoconfigure.ReducerSelection;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@link ReduceClient} bean of {@link AutoConfigureReduceClient @AutoConfigureReduceClient}: a client of the
 * UDF the application serves, on the socket and server-info file it serves them on.
 */
@AutoConfiguration(after = ReducerAutoConfiguration.class)
@ConditionalOnBean(ReducerSelection.class)
public class ReduceClientAutoConfiguration {

    /**
     * The client, connected at first use once the UDF's handshake is written; closed with the context.
     *
     * @param properties the starter's properties
     * @param selection the UDF bean the application serves, whose kind picks the default paths
     * @return the client
     */
    @Bean
    @ConditionalOnMissingBean
    public ReduceClient numaflowReduceClient(NumaflowReducerProperties properties, ReducerSelection selection) {
        return ReduceClient.connect(properties.socketPathFor(selection.kind()),
                properties.serverInfoFileFor(selection.kind()));
    }
}
