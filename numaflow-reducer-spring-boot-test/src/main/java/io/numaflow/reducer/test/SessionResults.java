package io.numaflow.reducer.test;

import io.numaflow.reducer.Message;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link io.numaflow.reducer.SessionReducer} answered on one session stream, per session.
 *
 * <p>A result belongs to the session whose window it carried, followed through later EXPANDs and MERGEs: the
 * results of a session that grew or was merged are found under the window it ended with.
 */
public final class SessionResults {

    private final Map<SessionWindow, List<Message>> bySession;

    SessionResults(Map<SessionWindow, List<Message>> bySession) {
        this.bySession = new LinkedHashMap<>();
        bySession.forEach((window, messages) -> this.bySession.put(window, List.copyOf(messages)));
    }

    /**
     * The sessions that ended, each with an EOF, in the order the platform closed them (explicit closes first,
     * then those the stream's end closed, in the order they were opened).
     *
     * @return their final windows
     */
    public List<SessionWindow> sessions() {
        return List.copyOf(bySession.keySet());
    }

    /**
     * One session's results.
     *
     * @param session the session's final window (after any expand or merge)
     * @return its results in arrival order; empty for an unknown session
     */
    public List<Message> messages(SessionWindow session) {
        return bySession.getOrDefault(session, List.of());
    }

    /**
     * Every result of the stream.
     *
     * @return the results, session by session in close order
     */
    public List<Message> messages() {
        return bySession.values().stream().flatMap(List::stream).toList();
    }
}
