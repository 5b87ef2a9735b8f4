package io.numaflow.reducer.test;

import io.numaflow.reducer.Datum;
import io.numaflow.reducer.IntervalWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Session windows as the platform keeps them (numaflow-core's session windower), over one session stream.
 *
 * <p>A datum at {@code t} stands for the window {@code [t, t + gap]} of its keys. If that overlaps an open
 * session of the keys, the session takes it: APPEND when it already covers it, else EXPAND to the union.
 * Otherwise it OPENs a new session. When the watermark reaches sessions' ends they close; closing sessions of
 * one key that overlap each other are MERGEd first, and one that overlaps a session still open is merged into
 * it instead of closing (it stays open).
 *
 * <p>Where the platform sends a MERGE listing {@code [closing, open, merged]}, this sends {@code [closing,
 * open]}: the sessions to merge, as the SDKs' protocol states it (the merged window is their union either way).
 */
final class SessionWindower implements EventTimeWindower {

    private static final Comparator<SessionWindow> BY_END = Comparator.comparing(SessionWindow::end)
            .thenComparing(SessionWindow::start);

    private final SessionStream stream;
    private final Duration gap;
    private final Map<List<String>, List<SessionWindow>> open = new LinkedHashMap<>();

    SessionWindower(SessionStream stream, Duration gap) {
        this.stream = stream;
        this.gap = gap;
    }

    @Override
    public boolean accept(Datum datum) {
        SessionWindow own = new SessionWindow(datum.eventTime(), datum.eventTime().plus(gap), datum.keys());
        if (!own.end().isAfter(datum.watermark())) {
            return false;
        }
        List<SessionWindow> sessions = open.computeIfAbsent(datum.keys(), keys -> new ArrayList<>());
        Optional<SessionWindow> taker = sessions.stream().filter(session -> session.overlaps(own)).findFirst();
        if (taker.isEmpty()) {
            stream.open(own, datum);
            sessions.add(own);
        } else {
            SessionWindow grown = taker.get().span(own);
            if (grown.equals(taker.get())) {
                stream.append(grown, datum);
            } else {
                stream.expand(taker.get(), grown, datum);
                sessions.set(sessions.indexOf(taker.get()), grown);
            }
        }
        sessions.sort(BY_END);
        return true;
    }

    @Override
    public void advance(Instant watermark) {
        for (List<SessionWindow> sessions : open.values()) {
            List<SessionWindow> expired = sessions.stream().filter(session -> !session.end().isAfter(watermark)).toList();
            sessions.removeAll(expired);
            close(sessions, expired);
        }
    }

    @Override
    public List<ClosedWindow> finish() {
        for (List<SessionWindow> sessions : open.values()) {
            List<SessionWindow> all = List.copyOf(sessions);
            sessions.clear();
            close(sessions, all);
        }
        SessionResults results = stream.finish();
        return results.sessions().stream().map(session -> new ClosedWindow(
                new IntervalWindow(session.start(), session.end()), session.keys(),
                results.messages(session))).toList();
    }

    /**
     * Closes {@code expired} (one key's), merging those that overlap, or into a still open one they overlap.
     * Groups are found latest first, as the platform does, and closed earliest first: they are disjoint, so the
     * order only decides the order of the results.
     */
    private void close(List<SessionWindow> stillOpen, List<SessionWindow> expired) {
        List<SessionWindow> latestFirst = new ArrayList<>(expired);
        latestFirst.sort(BY_END.reversed());
        List<List<SessionWindow>> groups = new ArrayList<>();
        Instant groupStart = null;
        for (SessionWindow session : latestFirst) {
            if (groups.isEmpty() || session.end().isBefore(groupStart)) {
                groups.add(0, new ArrayList<>());
                groupStart = session.start();
            }
            groups.get(0).add(session);
            groupStart = session.start().isBefore(groupStart) ? session.start() : groupStart;
        }
        groups.forEach(group -> closeGroup(stillOpen, group));
    }

    private void closeGroup(List<SessionWindow> stillOpen, List<SessionWindow> group) {
        SessionWindow closing = group.size() == 1 ? group.get(0) : stream.merge(group.toArray(SessionWindow[]::new));
        Optional<SessionWindow> overlapping = stillOpen.stream().filter(session -> session.overlaps(closing)).findFirst();
        if (overlapping.isPresent()) {
            SessionWindow merged = stream.merge(closing, overlapping.get());
            stillOpen.set(stillOpen.indexOf(overlapping.get()), merged);
            stillOpen.sort(BY_END);
        } else {
            stream.close(closing);
        }
    }
}
