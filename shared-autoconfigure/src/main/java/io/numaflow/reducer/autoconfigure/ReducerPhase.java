package io.numaflow.reducer.autoconfigure;

/** Where the served UDF is in its life, as both Spring Boot lines' {@code reducer} health indicators report it. */
enum ReducerPhase {

    /** Before the handshake: the platform cannot use the UDF yet. */
    STARTING,
    /** From the handshake until shutdown begins. */
    SERVING,
    /** Once the context closes. */
    STOPPING;

    static ReducerPhase of(ServerInfoFile serverInfo, boolean stopping) {
        if (stopping) {
            return STOPPING;
        }
        return serverInfo.isWritten() ? SERVING : STARTING;
    }

    /** Whether the platform can use the UDF: the health is {@code UP}, else {@code OUT_OF_SERVICE}. */
    boolean up() {
        return this == SERVING;
    }

    /** The {@code phase} detail. */
    String detail() {
        return name().toLowerCase();
    }
}
