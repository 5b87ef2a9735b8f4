package io.numaflow.reducer.autoconfigure;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.Ordered;

/** The one startup line an operator looks for: what is served where, with which limits and version. */
class ReducerReadyLog implements ApplicationRunner, Ordered {

    private static final Logger log = LoggerFactory.getLogger(ReducerReadyLog.class);

    private final String line;

    ReducerReadyLog(NumaflowReducerProperties properties, ReducerSelection reducer, int transportThreads,
            String version) {
        this.line = "Numaflow reducer " + version + " ready: serving " + reducer.kind().beanType().getSimpleName()
                + " bean '" + reducer.beanName() + "' ("
                + (reducer.prototype() ? "an instance per group" : "shared by all groups") + ") on unix:"
                + properties.socketPathFor(reducer.kind()) + ", max-threads " + transportThreads
                + ", max-message-size " + properties.maxMessageSize().toBytes() + " bytes, server-info file "
                + properties.serverInfoFileFor(reducer.kind());
    }

    @Override
    public void run(ApplicationArguments args) {
        log.info(line);
    }

    /** Once the handshake is done (ServerInfoFile runs first). */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 2;
    }
}
